import {
  AppsV1Api,
  AuthenticationV1Api,
  CoreV1Api,
  KubernetesObjectApi,
  ServerConfiguration,
  VersionApi,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type Middleware,
} from '@kubernetes/client-node';
import { ToolError } from '../core/errors.js';
import { kubernetesStatusError } from './errors.js';
import type { KubernetesCredentials } from './credentials.js';
import { kubeConfigFor } from './kubeconfig.js';

/** Longest one API request may take; the client has no limit of its own, and a hung call would hold the activity. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The generic object API, with the discovery it already does (and caches) made available. */
export class ObjectApi extends KubernetesObjectApi {
  /** Whether objects of this kind live in a namespace, as the server's discovery says. */
  async isNamespaced(apiVersion: string, kind: string): Promise<boolean> {
    const resource = await this.resource(apiVersion, kind);
    if (!resource)
      throw new ToolError('invalid_input', `the cluster serves no kind ${kind} in ${apiVersion}`);
    return resource.namespaced;
  }
}

/** What operations get: the typed APIs they need, the generic object API, and the default namespace. */
export interface KubernetesClient {
  core: CoreV1Api;
  apps: AppsV1Api;
  authentication: AuthenticationV1Api;
  version: VersionApi;
  objects: ObjectApi;
  /** The kubeconfig context's namespace, else "default". */
  defaultNamespace: string;
}

/**
 * Every request gets a timeout, and every error answer becomes a ToolError here, from the
 * server's Status body, so typed and generic calls (and the discovery behind them) fail alike.
 */
const requestHandling: Middleware = {
  pre: async (context) => {
    context.setSignal(AbortSignal.timeout(REQUEST_TIMEOUT_MS));
    return context;
  },
  post: async (response) => {
    // An empty pod log comes without a Content-Type, and the client refuses to parse a body
    // without one; everything else the API server sends has one.
    if (response.httpStatusCode < 300 && !response.headers['content-type']) {
      response.headers['content-type'] = 'text/plain';
    }
    if (response.httpStatusCode < 400) return response;
    const body = await response.body.text().catch(() => '');
    throw kubernetesStatusError(response.httpStatusCode, response.headers, body);
  },
};

function configurationFor(kubeConfig: KubeConfig): Configuration {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new ToolError('auth', 'the kubeconfig names no cluster');
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kubeConfig },
    promiseMiddleware: [requestHandling],
  });
}

/** Clients for the credentials; nothing is contacted until the first call. */
export function connectKubernetes(credentials: KubernetesCredentials): KubernetesClient {
  const kubeConfig = kubeConfigFor(credentials);
  const configuration = configurationFor(kubeConfig);
  const context = kubeConfig.getContextObject(kubeConfig.getCurrentContext());
  return {
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    authentication: new AuthenticationV1Api(configuration),
    version: new VersionApi(configuration),
    objects: new ObjectApi(configuration),
    defaultNamespace: context?.namespace ?? 'default',
  };
}

/**
 * Proves the server answers and the credentials name a user: SelfSubjectReview (any
 * authenticated user may ask it, unlike listing namespaces) and refuse an anonymous answer,
 * which a server with anonymous auth gives to a request without credentials.
 */
export async function testKubernetesConnection(client: KubernetesClient): Promise<void> {
  const review = await client.authentication
    .createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } })
    .catch(async (error: unknown) => {
      // Clusters before 1.28 lack it: then /version at least proves the server answers.
      if (error instanceof ToolError && error.category === 'not_found') return undefined;
      throw error;
    });
  if (!review) {
    await client.version.getCode();
    return;
  }
  const username = review.status?.userInfo?.username;
  if (!username || username === 'system:anonymous') {
    throw new ToolError('auth', 'the API server treated the credentials as anonymous');
  }
}
