import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { azureAdapter } from '../../adapters/azure/index.js';
import { startAzureTestServer, type AzureTestServer } from '../../adapters/azure/test-server.js';
import { gcpAdapter } from '../../adapters/gcp/index.js';
import { startGcpTestServer, type GcpTestServer } from '../../adapters/gcp/test-server.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { credentialsFromEnv, startTenant, untilFinished, type ProjectBody } from './capsule-support.js';

/**
 * The cloud-sandbox capsule from its sample brief, through the API, against the Azure (Resource
 * Manager + Entra over TLS) and GCP (Compute Discovery) contract servers: the resource group and
 * the instance with the brief's tags; and a cancel while it runs tearing both down again.
 */
const brief =
  'Create a throwaway sandbox for the data team on Azure (a resource group) and GCP (one small compute instance), tagged owner=data-team, and tear everything down automatically after 48 hours.';

let platform: TestPlatform;
let azure: AzureTestServer;
let gcp: GcpTestServer;
let key: string;

beforeAll(async () => {
  [azure, gcp] = await Promise.all([startAzureTestServer({ pollsToFinish: 1 }), startGcpTestServer()]);
  platform = await startTestPlatform();
  key = await startTenant(platform, 'sandbox', {
    azure: credentialsFromEnv(azureAdapter, azure.env),
    gcp: credentialsFromEnv(gcpAdapter, gcp.env),
  });
});
afterAll(async () => {
  await platform?.stop();
  await Promise.all([azure?.stop(), gcp?.stop()]);
});

const start = async (sandboxName: string) => {
  const created = await platform.call('/v1/projects', {
    method: 'POST',
    key,
    json: { brief, autoApprove: true, inputs: { sandboxName } },
  });
  expect(created.status).toBe(202);
  return ((await created.json()) as { id: string }).id;
};
const expectedTags = (sandboxName: string) => ({
  owner: 'data-team',
  sandbox: sandboxName,
  'ttl-hours': '48',
  'managed-by': 'somagent',
});
const instancesOf = (sandboxName: string) =>
  [...gcp.fake.instances.values()].filter((instance) => instance.labels.sandbox === sandboxName);

describe('capsule cloud-sandbox', () => {
  it('creates the resource group and one small instance, both tagged owner=data-team with the TTL', async () => {
    const id = await start('data-team-sandbox');
    const done = await untilFinished(platform, key, id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['cloud-sandbox']);
    expect(done.plan?.inputs).toMatchObject({ tags: { owner: 'data-team' }, ttlHours: 48 });
    // The teardown is scheduled 48 hours after completion (a durable timer in the workflow).
    expect(
      (done.plan as unknown as { policies: { teardownAfterHours?: number } }).policies.teardownAfterHours,
    ).toBe(48);
    const teardownAt = Date.parse((done as { teardownAt?: string }).teardownAt ?? '');
    expect(teardownAt - Date.now()).toBeGreaterThan(47 * 3600_000);

    expect(azure.fake.resourceGroups.get('data-team-sandbox')).toMatchObject({
      location: 'westeurope',
      provisioningState: 'Succeeded',
      tags: expectedTags('data-team-sandbox'),
    });
    expect(azure.count('ResourceGroups_CreateOrUpdate')).toBe(1);
    const instances = instancesOf('data-team-sandbox');
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({
      zone: expect.stringMatching(/\/zones\/europe-west1-b$/),
      status: 'RUNNING',
      labels: expect.objectContaining(expectedTags('data-team-sandbox')),
    });
    expect(String(instances[0]?.machineType)).toMatch(/\/machineTypes\/e2-small$/);
    expect(instances[0]?.name).toMatch(/^data-team-sandbox-[0-9a-f]{12}$/);
    expect((done.outputs?.instance as { name: string }).name).toBe(instances[0]?.name);

    expect(azure.violations).toEqual([]);
    expect(gcp.server.violations).toEqual([]);
  });

  it('tears everything down when the project is cancelled while it runs', async () => {
    gcp.fake.pollsToFinish = 8; // the instance insert takes some seconds: time to cancel
    const id = await start('cancel-sandbox');
    await eventually(async () => {
      const body = (await (await platform.call(`/v1/projects/${id}`, { key })).json()) as ProjectBody;
      return body.tasks.instance?.status === 'running' ? body : undefined;
    }, 30_000);
    expect(azure.fake.resourceGroups.has('cancel-sandbox')).toBe(true);
    expect((await platform.call(`/v1/projects/${id}/cancel`, { method: 'POST', key })).status).toBe(202);
    gcp.fake.pollsToFinish = 0;
    const done = await untilFinished(platform, key, id);
    expect(done.status).toBe('cancelled');
    expect(done.tasks.resourceGroup?.status).toBe('compensated');
    expect(done.tasks.instance?.status).toBe('compensated');
    expect(azure.fake.resourceGroups.has('cancel-sandbox')).toBe(false);
    expect(instancesOf('cancel-sandbox')).toEqual([]);
    expect(azure.violations).toEqual([]);
    expect(gcp.server.violations).toEqual([]);
  });
});
