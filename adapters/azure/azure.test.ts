import { createHash, randomBytes } from 'node:crypto';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { expectNoViolationsAfterEach } from '../../test/contract/no-violations.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { startAzuriteBlob } from '../../test/servers/azurite.js';
import { azureAdapter } from './index.js';
import { startAzureTestServer, type AzureTestServer } from './test-server.js';

/** Every Resource Manager test server of this file; each test must leave them without violations. */
const servers: AzureTestServer[] = [];
expectNoViolationsAfterEach(servers);
async function startServer(): Promise<AzureTestServer> {
  const server = await startAzureTestServer();
  servers.push(server);
  return server;
}
async function stopServer(server: AzureTestServer | undefined): Promise<void> {
  if (!server) return;
  servers.splice(servers.indexOf(server), 1);
  await server.stop();
}

let conformance: AzureTestServer | undefined;
testAdapter({
  adapter: azureAdapter,
  tier: 'contract server on the Microsoft.Resources 2021-04-01 and Microsoft.Compute 2021-11-01 specs, Entra token endpoint, TLS',
  start: async () => {
    conformance = await startServer();
    return { env: conformance.env, stop: () => stopServer(conformance) };
  },
  read: { operation: 'listResourceGroups', input: { tag: { name: 'purpose', value: 'conformance' } } },
  write: {
    operation: 'createResourceGroup',
    input: { name: 'somagent-conformance', location: 'westeurope', tags: { purpose: 'conformance' } },
    count: async () =>
      [...(conformance?.fake.resourceGroups.values() ?? [])].filter(
        (group) => group.tags.purpose === 'conformance',
      ).length,
    identify: (output) => (output as { id: string }).id,
  },
  notFound: { operation: 'getVm', input: { resourceGroup: 'nowhere', name: 'no-such-vm' } },
  // The token endpoint refuses the secret: ClientSecretCredential fails before Resource Manager is called.
  badEnv: { AZURE_CLIENT_SECRET: 'not-the-secret-of-this-principal' },
});

describe('azure adapter against the Resource Manager contract server', () => {
  let server: AzureTestServer;
  let tools: TestToolRuntime;
  const call = (
    operation: string,
    input: unknown,
    hooks: { heartbeat?: (details: unknown) => void; signal?: AbortSignal } = {},
  ) => tools.runtime.invoke({ tenantId: 'default', tool: 'azure', operation, input }, hooks);
  const nicId = (group: string) =>
    `/subscriptions/${server.fake.subscriptionId}/resourceGroups/${group}/providers/Microsoft.Network/networkInterfaces/${group}-nic`;
  const vmInput = (group: string, name: string) => ({
    resourceGroup: group,
    name,
    location: 'westeurope',
    adminUsername: 'azureuser',
    sshPublicKey:
      'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJx8cZ0ZQ1Dq1m7bW3Y9n0s7kq2m3c4d5e6f7g8h9i0j somagent@test',
    networkInterfaceId: nicId(group),
    tags: { project: 'p1' },
    pollSeconds: 0.05,
  });

  beforeAll(async () => {
    server = await startServer();
    tools = createTestToolRuntime([azureAdapter], server.env);
  });
  afterAll(async () => {
    await tools?.close();
    await stopServer(server);
  });

  it('creates a resource group with tags by idempotent PUT, lists it by tag, at the pinned api-version', async () => {
    const first = await call('createResourceGroup', {
      name: 'rg-tags',
      location: 'westeurope',
      tags: { project: 'p1' },
    });
    expect(first.output).toMatchObject({
      name: 'rg-tags',
      location: 'westeurope',
      provisioningState: 'Succeeded',
      tags: { project: 'p1' },
    });
    await call('createResourceGroup', {
      name: 'rg-tags',
      location: 'westeurope',
      tags: { project: 'p1', owner: 'ops' },
    });
    expect(server.fake.resourceGroups.get('rg-tags')?.tags).toEqual({ project: 'p1', owner: 'ops' });

    const listed = (await call('listResourceGroups', { tag: { name: 'owner', value: 'ops' } })).output as {
      resourceGroups: { name: string }[];
    };
    expect(listed.resourceGroups.map((group) => group.name)).toEqual(['rg-tags']);
    const puts = server.calls.filter((c) => c.operationId === 'ResourceGroups_CreateOrUpdate');
    expect(puts.map((c) => c.status)).toEqual([201, 200]);
    expect(new Set(puts.map((c) => c.query['api-version']))).toEqual(new Set(['2021-04-01']));

    const conflict = await toolErrorOf(
      call('createResourceGroup', { name: 'rg-tags', location: 'northeurope' }),
    );
    expect(conflict.category).toBe('conflict');
  });

  it('creates, reads, deallocates and deletes a VM, heartbeating while each long-running operation is polled', async () => {
    await call('createResourceGroup', { name: 'rg-vm', location: 'westeurope' });
    const beats: unknown[] = [];
    const heartbeat = (details: unknown) => beats.push(details);

    const created = (await call('createVm', vmInput('rg-vm', 'web-1'), { heartbeat })).output as Record<
      string,
      unknown
    >;
    expect(created).toMatchObject({
      name: 'web-1',
      vmSize: 'Standard_B1s',
      provisioningState: 'Succeeded',
      tags: { project: 'p1' },
    });
    // One when submitted, then one at least for every status poll that answered "in progress".
    expect(beats.length).toBeGreaterThanOrEqual(1 + server.fake.pollsToFinish);
    expect(beats[0]).toMatchObject({ operation: 'create VM web-1', status: 'submitted' });
    // Exactly this body: the Azure specs leave objects open, and Compute rejects members it does not know.
    const put = server.calls.find((c) => c.operationId === 'VirtualMachines_CreateOrUpdate');
    expect(put?.body).toEqual({
      location: 'westeurope',
      tags: { project: 'p1' },
      properties: {
        hardwareProfile: { vmSize: 'Standard_B1s' },
        storageProfile: {
          imageReference: {
            publisher: 'Canonical',
            offer: '0001-com-ubuntu-server-jammy',
            sku: '22_04-lts-gen2',
            version: 'latest',
          },
          osDisk: {
            createOption: 'FromImage',
            managedDisk: { storageAccountType: 'Standard_LRS' },
            deleteOption: 'Delete',
          },
        },
        osProfile: {
          computerName: 'web-1',
          adminUsername: 'azureuser',
          linuxConfiguration: {
            disablePasswordAuthentication: true,
            ssh: {
              publicKeys: [
                {
                  path: '/home/azureuser/.ssh/authorized_keys',
                  keyData: vmInput('rg-vm', 'web-1').sshPublicKey,
                },
              ],
            },
          },
        },
        networkProfile: { networkInterfaces: [{ id: nicId('rg-vm'), properties: { primary: true } }] },
      },
    });
    const computeCalls = server.calls.filter((c) => c.operationId?.startsWith('VirtualMachines_'));
    expect(new Set(computeCalls.map((c) => c.query['api-version']))).toEqual(new Set(['2021-11-01']));

    expect((await call('getVm', { resourceGroup: 'rg-vm', name: 'web-1' })).output).toMatchObject({
      powerState: 'running',
    });

    beats.length = 0;
    const deallocated = await call(
      'deallocateVm',
      { resourceGroup: 'rg-vm', name: 'web-1', pollSeconds: 0.05 },
      { heartbeat },
    );
    expect(deallocated.output).toEqual({ resourceGroup: 'rg-vm', name: 'web-1', powerState: 'deallocated' });
    expect(beats.length).toBeGreaterThanOrEqual(1 + server.fake.pollsToFinish);

    const compensation = azureAdapter.operations.createVm?.compensate;
    expect(compensation?.operation).toBe('deleteVm');
    beats.length = 0;
    await call(
      'deleteVm',
      { ...(compensation?.input(vmInput('rg-vm', 'web-1'), created) as object), pollSeconds: 0.05 },
      { heartbeat },
    );
    expect(server.fake.vms.has('rg-vm/web-1')).toBe(false);
    expect(beats.length).toBeGreaterThanOrEqual(1 + server.fake.pollsToFinish);
    // Deleting again is a no-op (ARM answers 204), so a repeated compensation succeeds.
    expect((await call('deleteVm', { resourceGroup: 'rg-vm', name: 'web-1' })).output).toMatchObject({
      deleted: true,
    });
    expect((await toolErrorOf(call('getVm', { resourceGroup: 'rg-vm', name: 'web-1' }))).category).toBe(
      'not_found',
    );
  });

  it('deletes a resource group with what is in it, polling the Location ARM gives, and treats a missing one as deleted', async () => {
    await call('createResourceGroup', { name: 'rg-gone', location: 'westeurope' });
    await call('createVm', vmInput('rg-gone', 'db-1'));
    const beats: unknown[] = [];
    const compensation = azureAdapter.operations.createResourceGroup?.compensate;
    const input = { ...(compensation?.input({ name: 'rg-gone' }, {}) as object), pollSeconds: 0.05 };
    const deleted = await call('deleteResourceGroup', input, { heartbeat: (details) => beats.push(details) });
    expect(deleted.output).toEqual({ name: 'rg-gone', deleted: true });
    expect(beats.length).toBeGreaterThanOrEqual(1 + server.fake.pollsToFinish);
    expect(server.fake.resourceGroups.has('rg-gone')).toBe(false);
    expect(server.fake.vms.has('rg-gone/db-1')).toBe(false);
    expect((await call('deleteResourceGroup', input)).output).toEqual({ name: 'rg-gone', deleted: false });
  });

  it('stops waiting for a long-running operation when the activity is cancelled', async () => {
    await call('createResourceGroup', { name: 'rg-slow', location: 'westeurope' });
    server.fake.pollsToFinish = 10_000;
    try {
      const cancel = new AbortController();
      let beats = 0;
      const heartbeat = () => {
        if (++beats === 3) cancel.abort(new Error('activity cancelled'));
      };
      const error = await toolErrorOf(
        call(
          'deleteResourceGroup',
          { name: 'rg-slow', pollSeconds: 0.05 },
          { heartbeat, signal: cancel.signal },
        ),
      );
      expect(error.message).toMatch(/cancel|abort/i);
      expect(beats).toBeLessThan(6);
      expect(server.fake.resourceGroups.get('rg-slow')?.provisioningState).toBe('Deleting');
    } finally {
      server.fake.pollsToFinish = 2;
    }
  });

  it('maps ARM errors: a VM in a missing group is not_found; a bad NIC id never reaches ARM', async () => {
    expect((await toolErrorOf(call('createVm', vmInput('rg-missing', 'web-2')))).category).toBe('not_found');
    const puts = server.count('VirtualMachines_CreateOrUpdate');
    const invalid = await toolErrorOf(
      call('createVm', { ...vmInput('rg-vm', 'web-3'), networkInterfaceId: 'nic-1' }),
    );
    expect(invalid.category).toBe('invalid_input');
    expect(server.count('VirtualMachines_CreateOrUpdate')).toBe(puts);
  });

  it('gets its token from the authority once and reuses it', () => {
    expect(server.tokens.refused).toBe(0);
    expect(server.tokens.issued).toBe(1);
  });
});

describe('azure adapter uploadBlob against Azurite (Blob data plane)', () => {
  let azurite: Awaited<ReturnType<typeof startAzuriteBlob>>;
  let server: AzureTestServer;
  let tools: TestToolRuntime;

  beforeAll(async () => {
    [azurite, server] = await Promise.all([startAzuriteBlob(), startServer()]);
    tools = createTestToolRuntime([azureAdapter], {
      ...server.env,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
    });
  });
  afterAll(async () => {
    await tools?.close();
    await Promise.all([stopServer(server), azurite?.stop()]);
  });

  it('uploads text and binary blobs that read back byte for byte, with type and metadata', async () => {
    const upload = (input: unknown) =>
      tools.runtime.invoke({ tenantId: 'default', tool: 'azure', operation: 'uploadBlob', input });
    const text = await upload({
      container: 'reports',
      blobName: 'runs/1/report.md',
      content: '# Report\n',
      contentType: 'text/markdown',
      metadata: { run: '1' },
    });
    expect(text.output).toMatchObject({
      container: 'reports',
      blobName: 'runs/1/report.md',
      size: 9,
      url: expect.stringContaining('/reports/runs/1/report.md'),
    });
    const bytes = randomBytes(2048);
    const binary = (
      await upload({
        container: 'reports',
        blobName: 'runs/1/data.bin',
        content: bytes.toString('base64'),
        encoding: 'base64',
      })
    ).output as { contentMd5: string };

    const blobs = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(
      'reports',
    );
    const markdown = await blobs.getBlobClient('runs/1/report.md').downloadToBuffer();
    expect(markdown.toString('utf8')).toBe('# Report\n');
    const properties = await blobs.getBlobClient('runs/1/report.md').getProperties();
    expect(properties.contentType).toBe('text/markdown');
    expect(properties.metadata).toEqual({ run: '1' });
    expect((await blobs.getBlobClient('runs/1/data.bin').downloadToBuffer()).equals(bytes)).toBe(true);
    const stored = await blobs.getBlobClient('runs/1/data.bin').getProperties();
    expect(binary.contentMd5).toBe(createHash('md5').update(bytes).digest('base64'));
    expect(Buffer.from(stored.contentMD5 ?? []).toString('base64')).toBe(binary.contentMd5);

    // Uploading the same blob again overwrites it with the same content: the operation is idempotent.
    await upload({
      container: 'reports',
      blobName: 'runs/1/report.md',
      content: '# Report\n',
      contentType: 'text/markdown',
      metadata: { run: '1' },
    });
    const names: string[] = [];
    for await (const blob of blobs.listBlobsFlat()) names.push(blob.name);
    expect(names.sort()).toEqual(['runs/1/data.bin', 'runs/1/report.md']);
  });

  it('says which variable to set when no connection string is configured', async () => {
    const bare = createTestToolRuntime([azureAdapter], server.env);
    try {
      const error = await toolErrorOf(
        bare.runtime.invoke({
          tenantId: 'default',
          tool: 'azure',
          operation: 'uploadBlob',
          input: { container: 'x1y', blobName: 'a', content: '' },
        }),
      );
      expect(error.category).toBe('auth');
      expect(error.message).toContain('AZURE_STORAGE_CONNECTION_STRING');
    } finally {
      await bare.close();
    }
  });

  it('maps a wrong account key to a non-retryable error', async () => {
    const wrongKey = azurite.connectionString.replace(
      /AccountKey=[^;]+/,
      `AccountKey=${randomBytes(64).toString('base64')}`,
    );
    const bad = createTestToolRuntime([azureAdapter], {
      ...server.env,
      AZURE_STORAGE_CONNECTION_STRING: wrongKey,
    });
    try {
      const error = await toolErrorOf(
        bad.runtime.invoke({
          tenantId: 'default',
          tool: 'azure',
          operation: 'uploadBlob',
          input: { container: 'denied', blobName: 'a', content: 'x' },
        }),
      );
      expect(['auth', 'permission']).toContain(error.category);
      expect(error.retryable).toBe(false);
    } finally {
      await bad.close();
    }
  });
});

const live = Boolean(process.env.AZURE_CLIENT_SECRET) && !process.env.AZURE_RESOURCE_MANAGER_URL;
describe.skipIf(!live)(
  'azure adapter live (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_SUBSCRIPTION_ID set)',
  () => {
    it('gets a token and lists the resource groups of the subscription', async () => {
      const tools = createTestToolRuntime([azureAdapter], process.env as Record<string, string>);
      try {
        expect(await tools.runtime.checkConnection('default', 'azure')).toEqual({ reachable: true });
        const result = await tools.runtime.invoke({
          tenantId: 'default',
          tool: 'azure',
          operation: 'listResourceGroups',
          input: { limit: 5 },
        });
        expect(result.output).toHaveProperty('resourceGroups');
      } finally {
        await tools.close();
      }
    });
  },
);

// Writes cost money and need a location: opt in with AZURE_LIVE_LOCATION (e.g. westeurope).
const liveWrites = live && Boolean(process.env.AZURE_LIVE_LOCATION);
describe.skipIf(!liveWrites)(
  'azure adapter live writes (AZURE_LIVE_LOCATION set): a storage account in a throwaway group',
  () => {
    it(
      'creates a resource group and a storage account, then deletes the group',
      { timeout: 900_000 },
      async () => {
        const tools = createTestToolRuntime([azureAdapter], process.env as Record<string, string>);
        const suffix = randomBytes(5).toString('hex');
        const location = process.env.AZURE_LIVE_LOCATION ?? '';
        const invoke = (operation: string, input: unknown) =>
          tools.runtime.invoke({ tenantId: 'default', tool: 'azure', operation, input });
        try {
          await invoke('createResourceGroup', {
            name: `somagent-live-${suffix}`,
            location,
            tags: { purpose: 'somagent-live-test' },
          });
          const account = await invoke('createStorageAccount', {
            resourceGroup: `somagent-live-${suffix}`,
            name: `somagent${suffix}`,
            location,
          });
          expect(account.output).toMatchObject({ name: `somagent${suffix}`, provisioningState: 'Succeeded' });
        } finally {
          await invoke('deleteResourceGroup', { name: `somagent-live-${suffix}`, pollSeconds: 10 }).catch(
            () => undefined,
          );
          await tools.close();
        }
      },
    );
  },
);

if (!live) {
  console.info(
    'azure live test skipped: set AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET and AZURE_SUBSCRIPTION_ID ' +
      '(a service principal with Reader on the subscription) to run it; add AZURE_LIVE_LOCATION for the storage-account write test',
  );
}
