import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMoto } from '../servers/moto.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

let platform: TestPlatform;
let moto: Awaited<ReturnType<typeof startMoto>>;
/** An admin of a tenant of this file's own: stored credentials are per tenant, and other files share the database. */
let key: string;

interface ToolView {
  id: string;
  configured: boolean;
  credentialSource?: string;
  missing?: string[];
  reachable: boolean | null;
  operations: { name: string; kind: string; inputSchema: { type: string }; outputSchema: unknown }[];
}

async function runJob(body: unknown) {
  const created = (await (await platform.call('/v1/jobs', { method: 'POST', key, json: body })).json()) as {
    id: string;
  };
  return eventually(async () => {
    const job = (await (await platform.call(`/v1/jobs/${created.id}`, { key })).json()) as {
      status: string;
      result?: unknown;
      error?: { message: string; type?: string };
    };
    return job.status === 'completed' || job.status === 'failed' ? job : undefined;
  }, 30_000);
}

const secret = 'moto-secret-that-must-never-be-shown';

beforeAll(async () => {
  [platform, moto] = await Promise.all([startTestPlatform(), startMoto()]);
  const tenant = `tools-${Date.now()}`;
  await platform.call('/v1/tenants', { method: 'POST', json: { id: tenant, name: 'Tools API test' } });
  const created = await platform.call('/v1/api-keys', {
    method: 'POST',
    json: { name: 'admin', role: 'admin', tenantId: tenant },
  });
  key = ((await created.json()) as { key: string }).key;
});
afterAll(async () => {
  await platform?.stop();
  await moto?.stop();
});

describe('tools through the API', () => {
  it('lists every adapter with its operations as JSON Schema, and what is missing to configure it', async () => {
    const { tools } = (await (await platform.call('/v1/tools', { key })).json()) as { tools: ToolView[] };
    expect(tools.map((tool) => tool.id).sort()).toEqual([
      'aws',
      'azure',
      'confluence',
      'discord',
      'figma',
      'gcp',
      'github',
      'gitlab',
      'jira',
      'kubernetes',
      'linear',
      'notion',
      'plane',
      'playwright',
      'slack',
      'terraform',
    ]);
    for (const tool of tools) {
      expect(tool.operations.length, tool.id).toBeGreaterThan(0);
      for (const operation of tool.operations)
        expect(operation.outputSchema, `${tool.id}.${operation.name}`).toBeTruthy();
    }
    const aws = tools.find((tool) => tool.id === 'aws');
    expect(aws?.configured).toBe(false);
    expect(aws?.missing).toEqual(
      expect.arrayContaining(['accessKeyId (AWS_ACCESS_KEY_ID)', 'secretAccessKey (AWS_SECRET_ACCESS_KEY)']),
    );
    expect(aws?.operations.map((operation) => operation.name)).toEqual(
      expect.arrayContaining(['runInstances', 'describeInstances', 'waitUntilRunning', 'terminateInstances']),
    );
    expect(aws?.operations.find((operation) => operation.name === 'terminateInstances')?.kind).toBe(
      'destroy',
    );
    for (const operation of aws?.operations ?? []) expect(operation.inputSchema.type).toBe('object');
  });

  it('fails a tool job that has no credentials with a non-retryable error that says what to set', async () => {
    const job = await runJob({
      type: 'tool.invoke',
      input: { tool: 'aws', operation: 'describeInstances', input: {} },
    });
    expect(job.status).toBe('failed');
    expect(job.error?.type).toBe('ToolError.auth');
    expect(job.error?.message).toMatch(/AWS_ACCESS_KEY_ID/);
  });

  it("stores a tenant's credentials encrypted, uses them, checks reachability and never shows them", async () => {
    const put = await platform.call('/v1/tools/aws/credentials', {
      method: 'PUT',
      key,
      json: {
        region: 'us-east-1',
        accessKeyId: 'AKIATENANTKEY0000001',
        secretAccessKey: secret,
        endpoint: moto.endpoint,
      },
    });
    expect(put.status).toBe(204);
    const { rows } = await platform.resources.pool.query<{ ciphertext: Buffer }>(
      "select ciphertext from tool_credentials where tool = 'aws' and tenant_id like 'tools-%'",
    );
    expect(rows[0]?.ciphertext.toString('latin1')).not.toContain(secret);

    const view = (await (await platform.call('/v1/tools/aws?check=true', { key })).json()) as ToolView;
    expect(view).toMatchObject({ configured: true, credentialSource: 'tenant', reachable: true });
    expect(JSON.stringify(view)).not.toContain(secret);

    const job = await runJob({
      type: 'tool.invoke',
      input: { tool: 'aws', operation: 'describeInstances', input: {} },
    });
    expect(job).toMatchObject({ status: 'completed', result: { instances: [] } });

    expect((await platform.call('/v1/tools/aws/credentials', { method: 'DELETE', key })).status).toBe(204);
    expect(((await (await platform.call('/v1/tools/aws', { key })).json()) as ToolView).configured).toBe(
      false,
    );
  });

  it('rejects credentials that do not fit the adapter with 422 naming the field, and unknown tools with 404', async () => {
    const bad = await platform.call('/v1/tools/aws/credentials', {
      method: 'PUT',
      key,
      json: { accessKeyId: 'x' },
    });
    expect(bad.status).toBe(422);
    expect(
      ((await bad.json()) as { errors: { path: string }[] }).errors.map((error) => error.path),
    ).toContain('secretAccessKey');
    expect((await platform.call('/v1/tools/nope')).status).toBe(404);
  });

  it('lets only admins store credentials', async () => {
    const created = await platform.call('/v1/api-keys', {
      method: 'POST',
      key,
      json: { name: 'op', role: 'operator' },
    });
    const operator = ((await created.json()) as { key: string }).key;
    const response = await platform.call('/v1/tools/aws/credentials', {
      method: 'PUT',
      key: operator,
      json: {},
    });
    expect(response.status).toBe(403);
  });
});
