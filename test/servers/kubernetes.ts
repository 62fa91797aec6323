import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { createLogger } from '../../core/logger.js';
import { freePort, isPortOpen, waitFor } from '../../core/net.js';
import { packageRoot } from '../../core/paths.js';
import { runChecked } from '../../core/system/run-command.js';
import { ManagedProcess } from '../../embedded/managed-process.js';

/** Where scripts/setup/kubernetes.sh puts etcd, kube-apiserver and kube-controller-manager. */
export const kubernetesBinDir = path.join(packageRoot, '.tools', 'kubernetes', 'bin');

export interface KubernetesServer {
  /** https://127.0.0.1:PORT */
  server: string;
  /** Bearer token of a user in system:masters (cluster admin). */
  token: string;
  /** PEM file of the CA that signed the API server's certificate. */
  caFile?: string;
  /** A kubeconfig (context `somagent-test`) with the server, the CA and the token. */
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export interface StartKubernetesOptions {
  /**
   * Also run kube-controller-manager with only the namespace, garbage-collector and
   * service-account controllers, so that deleted namespaces really go away, dependents are
   * collected and each namespace gets its `default` service account. Default true.
   */
  controllerManager?: boolean;
}

/**
 * A real Kubernetes control plane on loopback, with everything in `dir`: etcd on free ports and
 * kube-apiserver on a free port (TLS from a CA made here with openssl, a static admin token, a
 * service-account key pair, RBAC, only the NamespaceLifecycle and ServiceAccount admission
 * plugins), plus kube-controller-manager unless turned off. Resolves once /readyz says ok.
 * There is no kubelet or scheduler: Deployments, Services, ConfigMaps, Secrets and Namespaces
 * are stored and served, pods are never scheduled.
 */
export async function startKubernetes(
  dir: string,
  options: StartKubernetesOptions = {},
): Promise<KubernetesServer> {
  const binary = (name: string) => path.join(kubernetesBinDir, name);
  const needed = [
    'etcd',
    'kube-apiserver',
    ...(options.controllerManager === false ? [] : ['kube-controller-manager']),
  ];
  const missing = needed.filter((name) => !existsSync(binary(name)));
  if (missing.length > 0) {
    throw new Error(
      `Kubernetes test servers not built (${missing.join(', ')} missing in ${kubernetesBinDir}): ` +
        'run `bash scripts/setup/kubernetes.sh` (builds etcd and kube-apiserver from the Go module proxy; ' +
        '10 to 25 minutes the first time, seconds once Go has cached the build)',
    );
  }

  const logger = createLogger(process.env.SOMAGENT_LOG_LEVEL ?? 'warn', 'kubernetes');
  const pki = path.join(dir, 'pki');
  mkdirSync(pki, { recursive: true });
  const files = await makeCertificates(pki);
  const token = randomBytes(24).toString('hex');
  const tokenFile = path.join(pki, 'tokens.csv');
  writeFileSync(tokenFile, `${token},somagent-test-admin,somagent-test-admin,"system:masters"\n`, {
    mode: 0o600,
  });

  const started: ManagedProcess[] = [];
  /** Stops what was started, newest first (controller-manager, API server, etcd); safe to call twice. */
  const stop = async () => {
    while (started.length > 0) await started.pop()?.stop('SIGTERM', 10_000);
  };
  /** Starts a program and fails fast, naming its log, if it exits while we wait for it. */
  const launch = async (name: string, args: string[], ready: () => Promise<boolean>, timeoutMs: number) => {
    const logFile = path.join(dir, `${name}.log`);
    const child = ManagedProcess.start(name, binary(name), args, { logFile, logger });
    started.push(child);
    const early = child.waitForExit().then((code) => {
      throw new Error(`${name} exited with ${code} at start; last lines of ${logFile}:\n${tail(logFile)}`);
    });
    early.catch(() => undefined);
    try {
      await Promise.race([waitFor(name, ready, timeoutMs), early]);
    } catch (error) {
      if (error instanceof Error && !error.message.includes(logFile))
        error.message += `; last lines of ${logFile}:\n${tail(logFile)}`;
      throw error;
    }
  };

  try {
    const [etcdPort, etcdPeerPort, apiPort, kcmPort] = (await freePorts(4)) as [
      number,
      number,
      number,
      number,
    ];
    const etcdUrl = `http://127.0.0.1:${etcdPort}`;
    const peerUrl = `http://127.0.0.1:${etcdPeerPort}`;
    await launch(
      'etcd',
      [
        '--name=somagent-test',
        `--data-dir=${path.join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=somagent-test=${peerUrl}`,
        '--unsafe-no-fsync', // test data only: fsync would dominate start and write times
        '--log-level=warn',
      ],
      () => isPortOpen(etcdPort),
      30_000,
    );

    const server = `https://127.0.0.1:${apiPort}`;
    await launch(
      'kube-apiserver',
      [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${apiPort}`,
        `--cert-dir=${pki}`,
        `--tls-cert-file=${files.serverCert}`,
        `--tls-private-key-file=${files.serverKey}`,
        `--client-ca-file=${files.caCert}`,
        `--token-auth-file=${tokenFile}`,
        '--authorization-mode=RBAC',
        `--service-account-key-file=${files.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${files.serviceAccountKey}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        // ClusterIPs are only allocated from this range; nothing is routed there.
        '--service-cluster-ip-range=10.96.0.0/16',
        // The kubernetes Service's endpoints would point at 127.0.0.1, which validation refuses.
        '--endpoint-reconciler-type=none',
        `--disable-admission-plugins=${disabledAdmissionPlugins.join(',')}`,
        '--enable-admission-plugins=NamespaceLifecycle,ServiceAccount',
        '--profiling=false',
        '--v=0',
      ],
      async () => (await getText(server, '/readyz', token, files.caCert)) === 'ok',
      90_000,
    );

    const kubeconfigPath = path.join(dir, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(server, files.caCert, token), { mode: 0o600 });

    if (options.controllerManager !== false) {
      await launch(
        'kube-controller-manager',
        [
          `--kubeconfig=${kubeconfigPath}`,
          `--authentication-kubeconfig=${kubeconfigPath}`,
          `--authorization-kubeconfig=${kubeconfigPath}`,
          '--bind-address=127.0.0.1',
          `--secure-port=${kcmPort}`,
          `--cert-dir=${path.join(dir, 'kube-controller-manager-certs')}`,
          '--leader-elect=false',
          '--controllers=namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller',
          `--service-account-private-key-file=${files.serviceAccountKey}`,
          `--root-ca-file=${files.caCert}`,
          '--profiling=false',
          '--v=0',
        ],
        async () =>
          (await getText(`https://127.0.0.1:${kcmPort}`, '/healthz', undefined, undefined)) === 'ok',
        60_000,
      );
    }

    return { server, token, caFile: files.caCert, kubeconfigPath, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Default-on admission plugins that need components absent here or are beside the point of these tests. */
const disabledAdmissionPlugins = [
  'LimitRanger',
  'TaintNodesByCondition',
  'PodSecurity',
  'Priority',
  'DefaultTolerationSeconds',
  'DefaultStorageClass',
  'StorageObjectInUseProtection',
  'PersistentVolumeClaimResize',
  'RuntimeClass',
  'CertificateApproval',
  'CertificateSigning',
  'ClusterTrustBundleAttest',
  'CertificateSubjectRestriction',
  'DefaultIngressClass',
  'PodTopologyLabels',
  'NodeDeclaredFeatureValidator',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionWebhook',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionWebhook',
  'ResourceQuota',
];

interface Certificates {
  caCert: string;
  serverCert: string;
  serverKey: string;
  serviceAccountKey: string;
  serviceAccountPublicKey: string;
}

/** A CA, a serving certificate for 127.0.0.1/localhost signed by it, and a service-account key pair. */
async function makeCertificates(pki: string): Promise<Certificates> {
  const file = (name: string) => path.join(pki, name);
  const openssl = (...args: string[]) => runChecked('openssl', args, { cwd: pki });
  const files: Certificates = {
    caCert: file('ca.crt'),
    serverCert: file('apiserver.crt'),
    serverKey: file('apiserver.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPublicKey: file('sa.pub'),
  };
  writeFileSync(
    file('apiserver.ext'),
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await Promise.all([
    openssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      file('ca.key'),
      '-out',
      files.caCert,
      '-days',
      '30',
      '-subj',
      '/CN=somagent-test-ca',
    ),
    openssl(
      'req',
      ...ec,
      '-keyout',
      files.serverKey,
      '-out',
      file('apiserver.csr'),
      '-subj',
      '/CN=kube-apiserver',
    ),
    openssl('genrsa', '-out', files.serviceAccountKey, '2048'),
  ]);
  await Promise.all([
    openssl(
      'x509',
      '-req',
      '-in',
      file('apiserver.csr'),
      '-CA',
      files.caCert,
      '-CAkey',
      file('ca.key'),
      '-CAcreateserial',
      '-days',
      '30',
      '-extfile',
      file('apiserver.ext'),
      '-out',
      files.serverCert,
    ),
    openssl('rsa', '-in', files.serviceAccountKey, '-pubout', '-out', files.serviceAccountPublicKey),
  ]);
  return files;
}

function kubeconfig(server: string, caFile: string, token: string): string {
  // JSON is YAML: kubectl and @kubernetes/client-node read it as a kubeconfig.
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'somagent-test',
        cluster: { server, 'certificate-authority-data': readFileSync(caFile).toString('base64') },
      },
    ],
    users: [{ name: 'somagent-test-admin', user: { token } }],
    contexts: [{ name: 'somagent-test', context: { cluster: 'somagent-test', user: 'somagent-test-admin' } }],
    'current-context': 'somagent-test',
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** GET over TLS; the body when the status is 200, otherwise undefined. `ca` unset: any certificate. */
function getText(
  base: string,
  pathname: string,
  token: string | undefined,
  ca: string | undefined,
): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const request = https.get(
      new URL(pathname, base),
      {
        ...(ca ? { ca: readFileSync(ca) } : { rejectUnauthorized: false }),
        headers: token ? { authorization: `Bearer ${token}` } : {},
        timeout: 5_000,
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve(response.statusCode === 200 ? body.trim() : undefined));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`GET ${pathname} timed out`)));
    request.on('error', reject);
  });
}

/** `count` different free loopback ports. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
