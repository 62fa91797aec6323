import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../core/net.js';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { ToolError } from '../core/errors.js';
import { kubernetesAdapter } from './index.js';
import { coreApiFor, startTestCluster, uniqueName, type TestCluster } from './test-cluster.js';

// One control plane for the whole file (conformance and the adapter's own cases): starting one
// takes seconds and two cores' worth of CPU. A missing build fails here, naming the setup command.
let cluster: TestCluster | undefined;
const started = () => {
  if (!cluster) throw new Error('the Kubernetes test cluster did not start');
  return cluster;
};
beforeAll(async () => {
  cluster = await startTestCluster();
});
afterAll(async () => {
  await cluster?.stop();
});

async function failure(promise: Promise<unknown>): Promise<ToolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ToolError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

testAdapter({
  adapter: kubernetesAdapter,
  tier: 'real kube-apiserver v1.35.4 + etcd 3.6.6 built from the Go module proxy',
  // The file's hooks own the cluster; the suite only borrows it.
  start: async () => ({ env: started().env, stop: async () => undefined }),
  read: { operation: 'getStatus', input: { kind: 'Namespace', name: 'default' } },
  // generateName makes each new idempotency key a new namespace; the ledger and the idempotency
  // label (recover) make each key exactly one.
  write: {
    operation: 'createNamespace',
    input: { generateName: 'conformance-', labels: { purpose: 'conformance' } },
    count: async (env) =>
      (await coreApiFor(env).listNamespace({ labelSelector: 'purpose=conformance' })).items.length,
    identify: (output) => (output as { uid: string }).uid,
  },
  notFound: {
    operation: 'getStatus',
    input: { kind: 'Deployment', name: 'no-such-deployment', namespace: 'default' },
  },
  badEnv: { KUBERNETES_TOKEN: 'not-the-token-0123456789abcdef' },
});

describe('kubernetes adapter against a real API server', () => {
  let tools: TestToolRuntime;
  let k8s: TestCluster;
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'kubernetes',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  const newNamespace = async (prefix: string) =>
    (await call<{ name: string }>('createNamespace', { name: uniqueName(prefix) })).name;

  beforeAll(() => {
    k8s = started();
    tools = createTestToolRuntime([kubernetesAdapter], k8s.env);
  });
  afterAll(async () => {
    await tools?.close();
  });

  it('creates a labelled namespace, refuses it twice, and deleteNamespace waits until it is gone', async () => {
    const name = uniqueName('lifecycle');
    const created = await call<{ name: string; uid: string; phase: string; labels: Record<string, string> }>(
      'createNamespace',
      { name, labels: { team: 'platform' } },
      `lifecycle:${name}`,
    );
    expect(created).toMatchObject({ name, phase: 'Active' });
    const stored = await k8s.core.readNamespace({ name });
    expect(stored.metadata?.uid).toBe(created.uid);
    expect(stored.metadata?.labels).toMatchObject({
      team: 'platform',
      'app.kubernetes.io/managed-by': 'somagent',
    });
    expect(stored.metadata?.labels?.['somagent.io/idempotency-key']).toMatch(/^[0-9a-f]{40}$/);

    const again = await failure(call('createNamespace', { name }));
    expect(again.category).toBe('conflict');
    expect(again.message).toMatch(/AlreadyExists/);

    const compensation = kubernetesAdapter.operations.createNamespace?.compensate;
    expect(compensation?.operation).toBe('deleteNamespace');
    const beats: unknown[] = [];
    const deleted = await tools.runtime.invoke(
      {
        tenantId: 'default',
        tool: 'kubernetes',
        operation: 'deleteNamespace',
        input: { ...(compensation?.input({}, created) as object), pollSeconds: 0.5 },
      },
      { heartbeat: (details) => beats.push(details) },
    );
    expect(deleted.output).toMatchObject({ name, state: 'gone', alreadyGone: false });
    expect(beats.length).toBeGreaterThan(0);
    const error = await k8s.core.readNamespace({ name }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(404);

    expect(await call('deleteNamespace', { name })).toMatchObject({ state: 'gone', alreadyGone: true });
  });

  it('applies a Deployment, Service, ConfigMap and Secret from one YAML; re-applying updates in place', async () => {
    const namespace = await newNamespace('apply');
    const secretValue = `s3cret-${randomBytes(8).toString('hex')}`;
    const manifests = (replicas: number) => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ containerPort: 80 }]
          envFrom: [{ secretRef: { name: web-credentials } }]
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 80 }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: web-settings }
data:
  mode: production
  released: 2024-01-01
---
apiVersion: v1
kind: Secret
metadata: { name: web-credentials }
stringData:
  password: ${secretValue}
`;
    type Applied = {
      objects: {
        kind: string;
        name: string;
        namespace?: string;
        uid: string;
        resourceVersion: string;
        generation?: number;
      }[];
    };
    const first = await call<Applied>('applyManifests', { manifests: manifests(2), namespace });
    expect(first.objects.map((object) => `${object.kind}/${object.name}`)).toEqual([
      'Deployment/web',
      'Service/web',
      'ConfigMap/web-settings',
      'Secret/web-credentials',
    ]);
    expect(first.objects.every((object) => object.namespace === namespace && object.uid)).toBe(true);
    expect(JSON.stringify(first)).not.toContain(secretValue);

    // What the server stored, read with the official client.
    const deployment = await k8s.apps.readNamespacedDeployment({ namespace, name: 'web' });
    expect(deployment.spec?.replicas).toBe(2);
    expect(
      deployment.metadata?.managedFields?.map((entry) => [entry.manager, entry.operation]),
    ).toContainEqual(['somagent', 'Apply']);
    const service = await k8s.core.readNamespacedService({ namespace, name: 'web' });
    expect(service.spec?.clusterIP).toMatch(/^10\.96\./);
    const settings = await k8s.core.readNamespacedConfigMap({ namespace, name: 'web-settings' });
    // YAML 1.2: a date-like value stays the string kubectl would send.
    expect(settings.data).toEqual({ mode: 'production', released: '2024-01-01' });
    const secret = await k8s.core.readNamespacedSecret({ namespace, name: 'web-credentials' });
    expect(Buffer.from(secret.data?.password ?? '', 'base64').toString()).toBe(secretValue);

    const second = await call<Applied>('applyManifests', { manifests: manifests(3), namespace });
    expect(second.objects.map((object) => object.uid)).toEqual(first.objects.map((object) => object.uid));
    expect(second.objects[0]?.generation).toBeGreaterThan(first.objects[0]?.generation ?? 0);
    expect((await k8s.apps.readNamespacedDeployment({ namespace, name: 'web' })).spec?.replicas).toBe(3);

    // The same manifests once more: nothing changes, not even a resourceVersion.
    const third = await call<Applied>('applyManifests', { manifests: manifests(3), namespace });
    expect(third.objects.map((object) => object.resourceVersion)).toEqual(
      second.objects.map((object) => object.resourceVersion),
    );

    const status = await call<{
      kind: string;
      replicas: { desired: number; ready: number };
      ready: boolean;
      generation: number;
      deleting: boolean;
    }>('getStatus', { kind: 'deployment', name: 'web', namespace });
    // No scheduler or kubelet here: the spec is stored, nothing runs it, and getStatus says so.
    expect(status).toMatchObject({
      kind: 'Deployment',
      replicas: { desired: 3, ready: 0 },
      ready: false,
      deleting: false,
    });
    expect(status.generation).toBe(second.objects[0]?.generation);

    const listed = await call<{ items: { name: string }[] }>('listResources', {
      kind: 'Deployment',
      namespace,
      labelSelector: 'app=web',
    });
    expect(listed.items.map((item) => item.name)).toEqual(['web']);
  });

  it('builds Deployments, Services, ConfigMaps and Secrets from typed input, idempotently', async () => {
    const namespace = await newNamespace('typed');
    type Summary = { uid: string; resourceVersion: string; namespace: string };
    const deploymentInput = {
      name: 'api',
      namespace,
      image: 'ghcr.io/example/api:1.0',
      replicas: 2,
      containerPort: 8080,
      env: { LOG_LEVEL: 'info' },
      envFrom: { configMaps: ['api-settings'], secrets: ['api-keys'] },
    };
    const first = await call<Summary & { replicas: number }>('createDeployment', deploymentInput);
    const repeated = await call<Summary>('createDeployment', deploymentInput);
    expect(repeated.uid).toBe(first.uid);
    expect(repeated.resourceVersion).toBe(first.resourceVersion);
    const scaled = await call<Summary & { replicas: number }>('createDeployment', {
      ...deploymentInput,
      replicas: 4,
    });
    expect(scaled).toMatchObject({ uid: first.uid, replicas: 4, namespace });
    const stored = await k8s.apps.readNamespacedDeployment({ namespace, name: 'api' });
    expect(stored.spec?.replicas).toBe(4);
    expect(stored.spec?.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'api' });
    const container = stored.spec?.template.spec?.containers[0];
    expect(container?.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }]);
    expect(container?.envFrom).toEqual([
      { configMapRef: { name: 'api-settings' } },
      { secretRef: { name: 'api-keys' } },
    ]);

    const service = await call<{ clusterIP: string; type: string }>('createService', {
      name: 'api',
      namespace,
      ports: [{ port: 80, targetPort: 8080 }],
    });
    expect(service).toMatchObject({ type: 'ClusterIP', clusterIP: expect.stringMatching(/^10\.96\./) });
    const storedService = await k8s.core.readNamespacedService({ namespace, name: 'api' });
    expect(storedService.spec?.selector).toEqual({ 'app.kubernetes.io/name': 'api' });

    await call('createConfigMap', { name: 'api-settings', namespace, data: { a: '1', b: '2' } });
    const trimmed = await call<{ keys: string[] }>('createConfigMap', {
      name: 'api-settings',
      namespace,
      data: { a: '1' },
    });
    // Apply semantics: a key SomaGent set before and no longer sends is removed.
    expect(trimmed.keys).toEqual(['a']);
    expect((await k8s.core.readNamespacedConfigMap({ namespace, name: 'api-settings' })).data).toEqual({
      a: '1',
    });
  });

  it('keeps Secret values out of outputs, errors, logs and the ledger', async () => {
    const namespace = await newNamespace('secrets');
    const value = `v-${randomBytes(12).toString('hex')}`;
    const applyValue = `w-${randomBytes(12).toString('hex')}`;
    const outputs: unknown[] = [];
    outputs.push(
      await call(
        'createSecret',
        { name: 'db', namespace, data: { password: value, user: 'app' } },
        `secret:${namespace}`,
      ),
      await call(
        'createSecret',
        { name: 'db', namespace, data: { password: value, user: 'app' } },
        `secret:${namespace}`,
      ),
      await call('applyManifests', {
        namespace,
        manifests: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'api-token' },
          stringData: { token: applyValue },
        }),
      }),
    );
    expect(outputs[0]).toMatchObject({ name: 'db', type: 'Opaque', keys: ['password', 'user'] });
    const invalid = await failure(
      call('applyManifests', {
        namespace,
        manifests: `apiVersion: v1\nkind: Secret\nmetadata: { name: Bad_Name }\nstringData: { token: ${applyValue} }\n`,
      }),
    );
    expect(invalid.category).toBe('invalid_input');
    const brokenYaml = await failure(
      call('applyManifests', {
        namespace,
        manifests: `kind: Secret\nstringData:\n  token: [${applyValue}\n`,
      }),
    );
    expect(brokenYaml.category).toBe('invalid_input');
    expect(brokenYaml.message).toMatch(/line \d+/);

    // The values did reach the server.
    const stored = await k8s.core.readNamespacedSecret({ namespace, name: 'db' });
    expect(Buffer.from(stored.data?.password ?? '', 'base64').toString()).toBe(value);
    const status = await call('getStatus', { kind: 'Secret', name: 'db', namespace });

    const { rows } = await tools.pool.query<{ text: string }>(
      "select coalesce(string_agg(output::text, ' '), '') as text from tool_side_effects where tool = 'kubernetes'",
    );
    expect(rows[0]?.text).toContain('"keys"');
    const everything = [
      JSON.stringify([...outputs, status]),
      invalid.message,
      brokenYaml.message,
      ...tools.logs,
      rows[0]?.text,
    ].join('\n');
    for (const secret of [
      value,
      applyValue,
      Buffer.from(value).toString('base64'),
      Buffer.from(applyValue).toString('base64'),
    ]) {
      expect(everything).not.toContain(secret);
    }
  });

  it('returns "terminating" while a finalizer holds a namespace, and refuses new content there as a conflict', async () => {
    const namespace = await newNamespace('held');
    const held = (finalizers: string[]) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'held', namespace, finalizers },
        data: { a: '1' },
      });
    await call('applyManifests', { manifests: held(['example.com/hold']) });

    const waiting = await call<{ state: string; remaining: string[]; waitedSeconds: number }>(
      'deleteNamespace',
      {
        name: namespace,
        timeoutSeconds: 3,
        pollSeconds: 0.5,
      },
    );
    expect(waiting.state).toBe('terminating');
    expect(waiting.waitedSeconds).toBeGreaterThanOrEqual(3);
    const status = await call<{ deleting: boolean; phase: string }>('getStatus', {
      kind: 'Namespace',
      name: namespace,
    });
    expect(status).toMatchObject({ deleting: true, phase: 'Terminating' });

    const refused = await failure(call('createConfigMap', { name: 'late', namespace, data: { a: '1' } }));
    expect(refused.category).toBe('conflict');
    expect(refused.message).toMatch(/being terminated/);

    // Applying without the finalizer releases it (apply removes what SomaGent no longer sends).
    await call('applyManifests', { manifests: held([]) });
    const gone = await call<{ state: string }>('deleteNamespace', {
      name: namespace,
      pollSeconds: 0.5,
      timeoutSeconds: 60,
    });
    expect(gone.state).toBe('gone');
  });

  it('reads pod logs through the API server: a missing pod is not_found, a pod on no node has none yet', async () => {
    const namespace = await newNamespace('logs');
    const missing = await failure(call('readLogs', { pod: 'no-such-pod', namespace }));
    expect(missing.category).toBe('not_found');
    expect(missing.retryable).toBe(false);
    expect(missing.message).toMatch(/pods "no-such-pod" not found/);

    // Pods are admitted only once the namespace has its default service account (the controller makes it).
    await waitFor(
      'the default service account',
      () => k8s.core.readNamespacedServiceAccount({ namespace, name: 'default' }).catch(() => undefined),
      30_000,
    );
    await k8s.core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'two' },
        spec: {
          containers: [
            { name: 'a', image: 'busybox' },
            { name: 'b', image: 'busybox' },
          ],
        },
      },
    });
    const ambiguous = await failure(call('readLogs', { pod: 'two', namespace }));
    expect(ambiguous.category).toBe('invalid_input');
    expect(ambiguous.message).toMatch(/container name must be specified/);
    const unscheduled = await call<{ log: string; truncated: boolean }>('readLogs', {
      pod: 'two',
      namespace,
      container: 'a',
    });
    expect(unscheduled).toMatchObject({ log: '', truncated: false });
  });

  it('deletes one object, and treats one that is already gone as deleted', async () => {
    const namespace = await newNamespace('delete');
    await call('createConfigMap', { name: 'doomed', namespace, data: { a: '1' } });
    expect(await call('deleteResource', { kind: 'ConfigMap', name: 'doomed', namespace })).toEqual({
      kind: 'ConfigMap',
      name: 'doomed',
      namespace,
      result: 'deleted',
    });
    const error = await k8s.core
      .readNamespacedConfigMap({ namespace, name: 'doomed' })
      .catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(404);
    expect(await call('deleteResource', { kind: 'ConfigMap', name: 'doomed', namespace })).toMatchObject({
      result: 'already_gone',
    });
  });

  it("maps the server's refusals: Invalid to invalid_input, unknown kinds to invalid_input", async () => {
    const namespace = await newNamespace('errors');
    const invalid = await failure(
      call('createDeployment', {
        name: 'bad',
        namespace,
        image: 'x',
        replicas: 1,
        labels: { 'bad key!': 'x' },
      }),
    );
    expect(invalid.category).toBe('invalid_input');
    expect(invalid.details.status).toBe(422);
    expect(invalid.message).toMatch(/Deployment\/.*bad: Kubernetes API 422 Invalid/);

    const unknownKind = await failure(
      call('getStatus', { kind: 'Widget', apiVersion: 'v1', name: 'x', namespace }),
    );
    expect(unknownKind.category).toBe('invalid_input');
    const noApiVersion = await failure(call('getStatus', { kind: 'Widget', name: 'x' }));
    expect(noApiVersion.category).toBe('invalid_input');
    expect(noApiVersion.message).toMatch(/needs an apiVersion/);
  });

  it('connects with a kubeconfig (and its contexts), and refuses kubeconfigs that run commands or read files', async () => {
    const kubeconfig = k8s.kubeconfig;
    const viaKubeconfig = createTestToolRuntime([kubernetesAdapter], { KUBECONFIG_CONTENT: kubeconfig });
    const wrongContext = createTestToolRuntime([kubernetesAdapter], {
      KUBECONFIG_CONTENT: kubeconfig,
      KUBERNETES_CONTEXT: 'elsewhere',
    });
    const parsed = JSON.parse(kubeconfig) as { users: { name: string; user: Record<string, unknown> }[] };
    const withExec = JSON.stringify({
      ...parsed,
      users: [{ name: parsed.users[0]?.name, user: { exec: { command: 'touch', args: ['/tmp/pwned'] } } }],
    });
    const withTokenFile = JSON.stringify({
      ...parsed,
      users: [{ name: parsed.users[0]?.name, user: { 'token-file': '/etc/passwd' } }],
    });
    const brokenYaml = createTestToolRuntime([kubernetesAdapter], {
      KUBECONFIG_CONTENT: `apiVersion: v1\nusers:\n  - name: u\n    user: { token: ${k8s.server.token}\n`,
    });
    const runsCommands = createTestToolRuntime([kubernetesAdapter], { KUBECONFIG_CONTENT: withExec });
    const readsFiles = createTestToolRuntime([kubernetesAdapter], { KUBECONFIG_CONTENT: withTokenFile });
    const { KUBERNETES_CA_DATA: _ca, ...withoutCa } = k8s.env;
    const untrusted = createTestToolRuntime([kubernetesAdapter], withoutCa);
    const insecure = createTestToolRuntime([kubernetesAdapter], {
      ...withoutCa,
      KUBERNETES_INSECURE: 'true',
    });
    const read = {
      tenantId: 'default',
      tool: 'kubernetes',
      operation: 'listResources',
      input: { kind: 'Namespace' },
    };
    try {
      expect(await viaKubeconfig.runtime.checkConnection('default', 'kubernetes')).toEqual({
        reachable: true,
      });
      const listed = (await viaKubeconfig.runtime.invoke(read)).output as { items: { name: string }[] };
      expect(listed.items.map((item) => item.name)).toContain('kube-system');

      const context = await failure(wrongContext.runtime.invoke(read));
      expect(context).toMatchObject({ category: 'auth' });
      expect(context.message).toMatch(/no context "elsewhere"/);
      const yamlError = await failure(brokenYaml.runtime.invoke(read));
      expect(yamlError.category).toBe('auth');
      expect(yamlError.message).toMatch(/not valid YAML \(line \d+\)/);
      expect(yamlError.message).not.toContain(k8s.server.token);
      const exec = await failure(runsCommands.runtime.invoke(read));
      expect(exec.category).toBe('auth');
      expect(exec.message).toMatch(/exec/);
      const file = await failure(readsFiles.runtime.invoke(read));
      expect(file.category).toBe('auth');
      expect(file.message).toMatch(/token-file/);

      // A server certificate the configured CA does not vouch for: fix the credentials, do not retry.
      const tls = await failure(untrusted.runtime.invoke(read));
      expect(tls.category).toBe('auth');
      expect((await insecure.runtime.invoke(read)).output).toHaveProperty('items');
    } finally {
      await Promise.all(
        [viaKubeconfig, wrongContext, brokenYaml, runsCommands, readsFiles, untrusted, insecure].map((t) =>
          t.close(),
        ),
      );
    }
    for (const logs of [viaKubeconfig.logs, runsCommands.logs, readsFiles.logs, untrusted.logs]) {
      expect(logs.join('\n')).not.toContain(k8s.server.token);
    }
  });
});

const live = Boolean(process.env.KUBECONFIG_CONTENT || process.env.KUBERNETES_SERVER);
describe.skipIf(!live)('kubernetes adapter live (KUBECONFIG_CONTENT or KUBERNETES_SERVER set)', () => {
  it('connects and lists namespaces, changing nothing', async () => {
    const tools = createTestToolRuntime([kubernetesAdapter], process.env as Record<string, string>);
    try {
      expect(await tools.runtime.checkConnection('default', 'kubernetes')).toEqual({ reachable: true });
      const result = await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'kubernetes',
        operation: 'listResources',
        input: { kind: 'Namespace', limit: 20 },
      });
      expect((result.output as { items: unknown[] }).items.length).toBeGreaterThan(0);
    } finally {
      await tools.close();
    }
  });
});
if (!live) {
  console.info(
    'kubernetes live test skipped: set KUBECONFIG_CONTENT (kubeconfig text) or KUBERNETES_SERVER and KUBERNETES_TOKEN to run it',
  );
}
