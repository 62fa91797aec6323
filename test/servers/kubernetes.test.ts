import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  type V1Deployment,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../core/net.js';
import { startKubernetes, type KubernetesServer } from './kubernetes.js';

/** What the official client sees of the real kube-apiserver (+ etcd, + controller-manager) that the tests run. */
describe('Kubernetes test server', () => {
  let dir: string;
  let kube: KubernetesServer;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let objects: KubernetesObjectApi;
  const namespace = `somagent-test-${Date.now().toString(36)}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kubernetes-'));
    const started = performance.now();
    kube = await startKubernetes(dir);
    console.log(
      `kubernetes ready in ${((performance.now() - started) / 1000).toFixed(1)}s at ${kube.server}`,
    );
    const config = new KubeConfig();
    config.loadFromFile(kube.kubeconfigPath);
    core = config.makeApiClient(CoreV1Api);
    apps = config.makeApiClient(AppsV1Api);
    objects = KubernetesObjectApi.makeApiClient(config);
  });

  afterAll(async () => {
    await kube?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves TLS with the CA it hands out and refuses a wrong token', async () => {
    expect(kube.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(kube.caFile).toBeTruthy();
    const stranger = new KubeConfig();
    stranger.loadFromOptions({
      clusters: [{ name: 'c', server: kube.server, caFile: kube.caFile }],
      users: [{ name: 'u', token: 'not-the-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const error = await stranger
      .makeApiClient(CoreV1Api)
      .listNamespace()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<unknown>).code).toBe(401);
  });

  it('creates a namespace and a ConfigMap and reads it back', async () => {
    const created = await core.createNamespace({ body: { metadata: { name: namespace } } });
    expect(created.status?.phase).toBe('Active');

    await core.createNamespacedConfigMap({
      namespace,
      body: {
        metadata: { name: 'settings', labels: { app: 'somagent' } },
        data: { mode: 'test', answer: '42' },
      },
    });
    const read = await core.readNamespacedConfigMap({ namespace, name: 'settings' });
    expect(read.data).toEqual({ mode: 'test', answer: '42' });
    expect(read.metadata?.labels).toEqual({ app: 'somagent' });

    const conflict = await core
      .createNamespacedConfigMap({ namespace, body: { metadata: { name: 'settings' } } })
      .catch((e: unknown) => e);
    expect((conflict as ApiException<unknown>).code).toBe(409);

    // The service-account controller (kube-controller-manager) gives every namespace its default account.
    const account = await waitFor(
      'the default service account',
      () => core.readNamespacedServiceAccount({ namespace, name: 'default' }).catch(() => undefined),
      30_000,
    );
    expect(account.metadata?.namespace).toBe(namespace);
  });

  it('server-side applies a Deployment and a Service', async () => {
    const deployment = (replicas: number): V1Deployment => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace, labels: { app: 'web' } },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
        },
      },
    });
    const first = await objects.patch(
      deployment(2),
      undefined,
      undefined,
      'somagent',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(first.metadata?.uid).toBeTruthy();
    expect(first.metadata?.managedFields?.map((entry) => [entry.manager, entry.operation])).toContainEqual([
      'somagent',
      'Apply',
    ]);

    const second = await objects.patch(
      deployment(3),
      undefined,
      undefined,
      'somagent',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect(second.metadata?.uid).toBe(first.metadata?.uid);
    expect(Number(second.metadata?.generation)).toBeGreaterThan(Number(first.metadata?.generation));

    const read = await apps.readNamespacedDeployment({ namespace, name: 'web' });
    expect(read.spec?.replicas).toBe(3);
    expect(read.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.27');
    // Defaults filled in by the real API server, not by the client.
    expect(read.spec?.strategy?.type).toBe('RollingUpdate');
    expect(read.spec?.template.spec?.containers[0]?.imagePullPolicy).toBe('IfNotPresent');

    const service = await objects.patch(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 80 }] },
      },
      undefined,
      undefined,
      'somagent',
      true,
      PatchStrategy.ServerSideApply,
    );
    expect((service as { spec?: { clusterIP?: string } }).spec?.clusterIP).toMatch(/^10\.96\./);

    const invalid = await objects
      .patch(
        { ...deployment(1), spec: { ...deployment(1).spec!, replicas: -1 } },
        undefined,
        undefined,
        'somagent',
        true,
        PatchStrategy.ServerSideApply,
      )
      .catch((e: unknown) => e);
    expect((invalid as ApiException<unknown>).code).toBe(422);
  });

  it('deletes the namespace with everything in it', async () => {
    await core.deleteNamespace({ name: namespace });
    // The namespace controller empties it and then removes it.
    await waitFor(
      `namespace ${namespace} to be gone`,
      () =>
        core.readNamespace({ name: namespace }).then(
          () => false,
          (error: unknown) => error instanceof ApiException && error.code === 404,
        ),
      45_000,
    );
    const leftovers = await core.listNamespacedConfigMap({ namespace });
    expect(leftovers.items).toEqual([]);
    const deployments = await apps.listNamespacedDeployment({ namespace });
    expect(deployments.items).toEqual([]);
  });
});
