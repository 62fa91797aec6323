import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startKubernetes, type KubernetesServer } from '../../test/servers/kubernetes.js';

/** A real control plane for one test file, and the official client on it to check what the adapter did. */
export interface TestCluster {
  server: KubernetesServer;
  /** KUBERNETES_SERVER, KUBERNETES_TOKEN and KUBERNETES_CA_DATA, as a deployment sets them. */
  env: Record<string, string>;
  /** The kubeconfig the server wrote, as text (what KUBECONFIG_CONTENT holds). */
  kubeconfig: string;
  core: CoreV1Api;
  apps: AppsV1Api;
  stop(): Promise<void>;
}

/** Starts etcd, kube-apiserver and kube-controller-manager in a temporary directory. */
export async function startTestCluster(): Promise<TestCluster> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubernetes-adapter-'));
  let server: KubernetesServer;
  try {
    server = await startKubernetes(dir);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const config = new KubeConfig();
  config.loadFromFile(server.kubeconfigPath);
  return {
    server,
    env: {
      KUBERNETES_SERVER: server.server,
      KUBERNETES_TOKEN: server.token,
      KUBERNETES_CA_DATA: readFileSync(server.caFile ?? '').toString('base64'),
    },
    kubeconfig: readFileSync(server.kubeconfigPath, 'utf8'),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    stop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The official client for an environment the adapter is configured from. */
export function coreApiFor(env: Record<string, string>): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromOptions({
    clusters: [{ name: 'c', server: env.KUBERNETES_SERVER, caData: env.KUBERNETES_CA_DATA }],
    users: [{ name: 'u', token: env.KUBERNETES_TOKEN }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return config.makeApiClient(CoreV1Api);
}

/** A fresh DNS-label name, so tests never meet each other's objects. */
export const uniqueName = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
