import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import type { DiscoveryContractServer } from '../../test/contract/discovery-contract-server.js';
import { expectNoViolationsAfterEach } from '../../test/contract/no-violations.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { gcpAdapter } from './index.js';
import { IDEMPOTENCY_LABEL } from './instances.js';
import {
  forgedKeyOf,
  newTestServiceAccount,
  startGcpTestServer,
  type GcpTestServer,
  type TestServiceAccount,
} from './test-server.js';

/** Every Compute contract server of this file; each test must leave them without violations. */
const servers: DiscoveryContractServer[] = [];
expectNoViolationsAfterEach(servers);
async function startServer(account?: TestServiceAccount): Promise<GcpTestServer> {
  const gcp = await startGcpTestServer(account ? { account } : {});
  servers.push(gcp.server);
  return gcp;
}
async function stopServer(gcp: GcpTestServer | undefined): Promise<void> {
  if (!gcp) return;
  servers.splice(servers.indexOf(gcp.server), 1);
  await gcp.stop();
}

const zone = 'europe-west1-b';
const conformanceAccount = newTestServiceAccount();
let conformance: GcpTestServer | undefined;
testAdapter({
  adapter: gcpAdapter,
  tier: 'Discovery contract server on the Compute Engine v1 document (revision 20230606), service-account JWTs verified',
  start: async () => {
    conformance = await startServer(conformanceAccount);
    return { env: conformance.env, stop: () => stopServer(conformance) };
  },
  read: { operation: 'listInstances', input: { zone, labels: { purpose: 'conformance' } } },
  write: {
    operation: 'createInstance',
    input: { zone, labels: { purpose: 'conformance' }, pollSeconds: 0.05 },
    count: async () =>
      [...(conformance?.fake.instances.values() ?? [])].filter(
        (instance) => instance.labels.purpose === 'conformance',
      ).length,
    identify: (output) => (output as { name: string }).name,
  },
  notFound: { operation: 'getInstance', input: { zone, name: 'no-such-instance' } },
  // Same account and key id, another private key: the server cannot verify the JWT's signature.
  badEnv: { GOOGLE_APPLICATION_CREDENTIALS_JSON: forgedKeyOf(conformanceAccount) },
});

describe('gcp adapter against the Compute Engine Discovery contract server', () => {
  let gcp: GcpTestServer;
  let tools: TestToolRuntime;
  const call = (
    operation: string,
    input: unknown,
    options: { idempotencyKey?: string; heartbeat?: (details: unknown) => void; signal?: AbortSignal } = {},
  ) => {
    const { idempotencyKey, ...hooks } = options;
    return tools.runtime.invoke(
      { tenantId: 'default', tool: 'gcp', operation, input, ...(idempotencyKey ? { idempotencyKey } : {}) },
      hooks,
    );
  };
  const inserts = () => gcp.server.calls.filter((c) => c.operationId === 'compute.instances.insert');
  const waits = () => gcp.server.calls.filter((c) => c.operationId === 'compute.zoneOperations.wait').length;

  beforeAll(async () => {
    gcp = await startServer();
    tools = createTestToolRuntime([gcpAdapter], gcp.env);
  });
  afterAll(async () => {
    await tools?.close();
    await stopServer(gcp);
  });

  it('creates an instance with labels, machine type and boot image, stops and deletes it, heartbeating while each operation runs', async () => {
    const beats: unknown[] = [];
    const heartbeat = (details: unknown) => beats.push(details);
    const input = {
      zone,
      name: 'web-1',
      machineType: 'e2-small',
      image: 'projects/ubuntu-os-cloud/global/images/family/ubuntu-2204-lts',
      diskSizeGb: 20,
      externalIp: true,
      labels: { project: 'p1' },
      pollSeconds: 0.05,
    };
    const waitsBefore = waits();
    const created = (await call('createInstance', input, { idempotencyKey: `wf:${randomUUID()}`, heartbeat }))
      .output as Record<string, unknown>;
    expect(created).toMatchObject({
      name: 'web-1',
      zone,
      status: 'RUNNING',
      machineType: 'e2-small',
      internalIp: expect.any(String),
      externalIp: expect.any(String),
      operation: { status: 'DONE', operationType: 'insert' },
    });
    expect((created.labels as Record<string, string>).project).toBe('p1');
    // One heartbeat when the insert was accepted, one after every wait (RUNNING twice, then DONE).
    expect(waits() - waitsBefore).toBe(gcp.fake.pollsToFinish + 1);
    expect(beats).toHaveLength(1 + gcp.fake.pollsToFinish + 1);
    expect(beats.at(-1)).toMatchObject({ status: 'DONE' });

    const sent = inserts().at(-1);
    expect(sent?.params.requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(sent?.body).toMatchObject({
      name: 'web-1',
      machineType: `zones/${zone}/machineTypes/e2-small`,
      labels: { project: 'p1', [IDEMPOTENCY_LABEL]: expect.stringMatching(/^[0-9a-f]{40}$/) },
      disks: [
        { boot: true, autoDelete: true, initializeParams: { sourceImage: input.image, diskSizeGb: '20' } },
      ],
      networkInterfaces: [
        { network: 'global/networks/default', accessConfigs: [{ type: 'ONE_TO_ONE_NAT' }] },
      ],
    });

    expect((await call('getInstance', { zone, name: 'web-1' })).output).toMatchObject({
      name: 'web-1',
      status: 'RUNNING',
    });
    beats.length = 0;
    const stopped = await call('stopInstance', { zone, name: 'web-1', pollSeconds: 0.05 }, { heartbeat });
    expect(stopped.output).toMatchObject({
      name: 'web-1',
      status: 'TERMINATED',
      operation: { operationType: 'stop', status: 'DONE' },
    });
    expect(beats).toHaveLength(1 + gcp.fake.pollsToFinish + 1);

    const compensation = gcpAdapter.operations.createInstance?.compensate;
    expect(compensation?.operation).toBe('deleteInstance');
    beats.length = 0;
    const deleted = await call(
      'deleteInstance',
      { ...(compensation?.input(input, created) as object), pollSeconds: 0.05 },
      { heartbeat },
    );
    expect(deleted.output).toMatchObject({
      name: 'web-1',
      deleted: true,
      operation: { operationType: 'delete', status: 'DONE' },
    });
    expect(beats).toHaveLength(1 + gcp.fake.pollsToFinish + 1);
    expect(gcp.fake.instances.has(`${zone}/web-1`)).toBe(false);
    // A repeated compensation finds nothing to delete, and says so instead of failing.
    expect((await call('deleteInstance', { zone, name: 'web-1' })).output).toMatchObject({ deleted: false });
    expect((await toolErrorOf(call('getInstance', { zone, name: 'web-1' }))).category).toBe('not_found');
  });

  it('returns the insert operation at once when asked not to wait, and waitForZoneOperation waits for it', async () => {
    const started = (await call('createInstance', { zone, name: 'batch-1', wait: false })).output as {
      status: string;
      operation: { name: string; status: string };
    };
    expect(started.operation.status).toBe('RUNNING');
    expect(gcp.fake.instances.get(`${zone}/batch-1`)?.status).toBe('PROVISIONING');

    const beats: unknown[] = [];
    const done = await call(
      'waitForZoneOperation',
      { zone, operation: started.operation.name, pollSeconds: 0.05 },
      { heartbeat: (d) => beats.push(d) },
    );
    expect(done.output).toMatchObject({
      name: started.operation.name,
      status: 'DONE',
      progress: 100,
      operationType: 'insert',
    });
    expect(beats.length).toBeGreaterThanOrEqual(1 + gcp.fake.pollsToFinish);
    expect(gcp.fake.instances.get(`${zone}/batch-1`)?.status).toBe('RUNNING');
    // A finished operation answers at once.
    expect(
      (await call('waitForZoneOperation', { zone, operation: started.operation.name })).output,
    ).toMatchObject({ status: 'DONE' });
  });

  it('lists instances by labels, up to a limit', async () => {
    for (const name of ['list-1', 'list-2', 'list-3']) {
      await call('createInstance', {
        zone,
        name,
        labels: { team: 'data', tier: name === 'list-3' ? 'gold' : 'silver' },
        wait: false,
      });
    }
    const silver = (
      await call('listInstances', { zone, labels: { team: 'data', tier: 'silver' }, limit: 10 })
    ).output as { instances: { name: string }[] };
    expect(silver.instances.map((i) => i.name).sort()).toEqual(['list-1', 'list-2']);
    const paged = gcp.server.calls.length;
    const two = (await call('listInstances', { zone, labels: { team: 'data' }, limit: 2 })).output as {
      instances: { name: string }[];
    };
    expect(two.instances).toHaveLength(2);
    expect(gcp.server.calls.length - paged).toBe(1);
  });

  it('lets Compute drop a repeated insert by requestId when the instance cannot be recognised as ours', async () => {
    const key = `wf:${randomUUID()}`;
    const input = { zone, labels: { purpose: 'retry' }, pollSeconds: 0.05 };
    const first = (await call('createInstance', input, { idempotencyKey: key })).output as { name: string };
    // A worker died after the insert; someone also stripped the instance's key label, so recover() declines.
    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where idempotency_key = $1",
      [key],
    );
    delete gcp.fake.instances.get(`${zone}/${first.name}`)?.labels[IDEMPOTENCY_LABEL];
    const before = gcp.fake.instances.size;
    const retry = (await call('createInstance', input, { idempotencyKey: key })).output as { name: string };
    expect(retry.name).toBe(first.name);
    expect(gcp.fake.instances.size).toBe(before);
    const [a, b] = inserts().slice(-2);
    expect(a?.params.requestId).toBe(b?.params.requestId);
  });

  it('maps Compute errors: a taken name is a conflict, a stock-out is transient, a bad zone never reaches Compute', async () => {
    await call('createInstance', { zone, name: 'taken', wait: false });
    expect((await toolErrorOf(call('createInstance', { zone, name: 'taken', wait: false }))).category).toBe(
      'conflict',
    );

    gcp.fake.outOfCapacity.add('a2-megagpu-16g');
    const stockOut = await toolErrorOf(
      call('createInstance', { zone, name: 'gpu-1', machineType: 'a2-megagpu-16g', pollSeconds: 0.05 }),
    );
    expect(stockOut.category).toBe('transient');
    expect(stockOut.message).toMatch(/ZONE_RESOURCE_POOL_EXHAUSTED/);
    expect(gcp.fake.instances.has(`${zone}/gpu-1`)).toBe(false);

    const before = gcp.server.calls.length;
    expect((await toolErrorOf(call('getInstance', { zone: 'Europe West', name: 'x' }))).category).toBe(
      'invalid_input',
    );
    expect(gcp.server.calls.length).toBe(before);
  });

  it('stops waiting for an operation when the activity is cancelled', async () => {
    gcp.fake.pollsToFinish = 10_000;
    try {
      const cancel = new AbortController();
      let beats = 0;
      const heartbeat = () => {
        if (++beats === 3) cancel.abort(new Error('activity cancelled'));
      };
      const error = await toolErrorOf(
        call(
          'createInstance',
          { zone, name: 'slow-1', pollSeconds: 0.05 },
          { heartbeat, signal: cancel.signal },
        ),
      );
      expect(error.message).toMatch(/cancelled/);
      expect(beats).toBeLessThan(5);
    } finally {
      gcp.fake.pollsToFinish = 2;
    }
  });

  it('authenticates with an OAuth2 access token too, and maps a wrong one to auth', async () => {
    const withToken = createTestToolRuntime([gcpAdapter], gcp.accessTokenEnv);
    const wrongToken = createTestToolRuntime([gcpAdapter], {
      ...gcp.accessTokenEnv,
      GCP_ACCESS_TOKEN: 'ya29.not-a-token-this-server-issued',
    });
    try {
      expect(await withToken.runtime.checkConnection('default', 'gcp')).toEqual({ reachable: true });
      const listed = await withToken.runtime.invoke({
        tenantId: 'default',
        tool: 'gcp',
        operation: 'listInstances',
        input: { zone },
      });
      expect((listed.output as { instances: unknown[] }).instances.length).toBeGreaterThan(0);
      const error = await toolErrorOf(
        wrongToken.runtime.invoke({
          tenantId: 'default',
          tool: 'gcp',
          operation: 'listInstances',
          input: { zone },
        }),
      );
      expect(error.category).toBe('auth');
      expect(error.retryable).toBe(false);
    } finally {
      await Promise.all([withToken.close(), wrongToken.close()]);
    }
  });
});

const live = Boolean(process.env.GCP_PROJECT_ID) && !process.env.GCP_COMPUTE_ENDPOINT;
describe.skipIf(!live)('gcp adapter live (GCP_PROJECT_ID and credentials set)', () => {
  it('reaches Compute Engine and lists the instances of a zone', async () => {
    const tools = createTestToolRuntime([gcpAdapter], process.env as Record<string, string>);
    try {
      expect(await tools.runtime.checkConnection('default', 'gcp')).toEqual({ reachable: true });
      const result = await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'gcp',
        operation: 'listInstances',
        input: { zone: process.env.GCP_ZONE ?? 'us-central1-a', limit: 10 },
      });
      expect(result.output).toHaveProperty('instances');
    } finally {
      await tools.close();
    }
  });
});
if (!live) {
  console.info(
    'gcp live test skipped: set GCP_PROJECT_ID and GOOGLE_APPLICATION_CREDENTIALS_JSON (a service-account key with ' +
      'roles/compute.viewer) or GCP_ACCESS_TOKEN (`gcloud auth print-access-token`), and optionally GCP_ZONE, to run it',
  );
}
