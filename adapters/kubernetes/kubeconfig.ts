import { KubeConfig } from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { ToolError } from '../core/errors.js';
import type { KubernetesCredentials } from './credentials.js';

const base64Pem = (ca: string) =>
  ca.trimStart().startsWith('-----BEGIN') ? Buffer.from(ca).toString('base64') : ca.trim();

function fromServerAndToken(credentials: KubernetesCredentials): KubeConfig {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [
      {
        name: 'somagent',
        server: credentials.server,
        skipTLSVerify: credentials.insecureSkipTlsVerify,
        ...(credentials.caData ? { caData: base64Pem(credentials.caData) } : {}),
      },
    ],
    users: [{ name: 'somagent', token: credentials.token }],
    contexts: [{ name: 'somagent', cluster: 'somagent', user: 'somagent' }],
    currentContext: 'somagent',
  });
  return config;
}

/** Entries that make the client run a command or read a file while loading or authenticating. */
const forbiddenUserKeys = [
  'exec',
  'auth-provider',
  'token-file',
  'tokenFile',
  'client-certificate',
  'client-key',
];
const forbiddenClusterKeys = ['certificate-authority'];

/**
 * Credentials can come from a tenant (PUT /v1/tools/kubernetes/credentials), so a kubeconfig must
 * not make the worker run a command (exec, auth-provider) or read a file (token-file is read as
 * soon as the kubeconfig is loaded, and sent as the token to whatever server it names). Checked on
 * the parsed YAML, before the client sees it.
 */
function refuseCommandsAndFiles(text: string): void {
  const documents = parseAllDocuments(text, { prettyErrors: false });
  const document = Array.isArray(documents) ? documents[0] : undefined;
  const error = document?.errors[0];
  if (error) {
    // Parser messages may quote the offending text, which may hold the token: say only where it broke.
    const line = text.slice(0, error.pos[0]).split('\n').length;
    throw new ToolError('auth', `KUBECONFIG_CONTENT is not valid YAML (line ${line})`);
  }
  const parsed = (document?.toJS() ?? {}) as { users?: unknown; clusters?: unknown };
  const entries = (list: unknown, field: string) =>
    (Array.isArray(list) ? list : []).map(
      (entry) => ((entry as Record<string, unknown> | null)?.[field] ?? {}) as object,
    );
  const offending = [
    ...entries(parsed.users, 'user').flatMap((user) => forbiddenUserKeys.filter((key) => key in user)),
    ...entries(parsed.clusters, 'cluster').flatMap((cluster) =>
      forbiddenClusterKeys.filter((key) => key in cluster),
    ),
  ];
  if (offending.length > 0) {
    throw new ToolError(
      'auth',
      `the kubeconfig uses ${[...new Set(offending)].join(', ')}: commands and file references are not accepted; ` +
        'use a token or embedded *-data fields (certificate-authority-data, client-certificate-data, client-key-data)',
    );
  }
}

function fromKubeconfig(text: string, context: string | undefined): KubeConfig {
  refuseCommandsAndFiles(text);
  const config = new KubeConfig();
  try {
    config.loadFromString(text);
  } catch (error) {
    // Only the client's structural messages ("clusters[0].cluster.server is missing") are safe to repeat.
    const message = error instanceof Error ? error.message : '';
    const detail = /^(clusters|users|contexts)\[\d+\][\w.]* is missing$/.test(message) ? `: ${message}` : '';
    throw new ToolError('auth', `KUBECONFIG_CONTENT is not a usable kubeconfig${detail}`);
  }
  if (context) {
    if (!config.getContextObject(context)) {
      const known = config.getContexts().map((entry) => entry.name);
      throw new ToolError(
        'auth',
        `the kubeconfig has no context "${context}" (it has: ${known.join(', ') || 'none'})`,
      );
    }
    config.setCurrentContext(context);
  }
  if (!config.getCurrentCluster()) {
    throw new ToolError(
      'auth',
      `the kubeconfig's context "${config.getCurrentContext()}" names no cluster it defines`,
    );
  }
  return config;
}

/** A KubeConfig for the credentials, refusing what would run commands or read files on the worker. */
export function kubeConfigFor(credentials: KubernetesCredentials): KubeConfig {
  return credentials.kubeconfig
    ? fromKubeconfig(credentials.kubeconfig, credentials.context)
    : fromServerAndToken(credentials);
}
