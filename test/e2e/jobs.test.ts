import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAttributes } from '../../temporal-config/search-attributes.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

interface JobBody {
  id: string;
  type: string;
  status: string;
  result?: unknown;
  error?: { message: string };
  links: { self: string; temporalUi: string };
}

async function startJob(type: string, input: unknown, headers: Record<string, string> = {}) {
  const response = await platform.call('/v1/jobs', { method: 'POST', json: { type, input }, headers });
  return { response, body: (await response.json()) as JobBody };
}

async function finished(id: string): Promise<JobBody> {
  return eventually(async () => {
    const body = (await (await platform.call(`/v1/jobs/${id}`)).json()) as JobBody;
    return body.status === 'completed' || body.status === 'failed' ? body : undefined;
  });
}

describe('jobs through the API, run by a real worker on the Temporal dev server', () => {
  it('queues an echo job, runs it to completion and returns its input', async () => {
    const { response, body } = await startJob('echo', { message: 'hello', n: 3 });
    expect(response.status).toBe(202);
    expect(body.status).toBe('queued');
    expect(response.headers.get('location')).toBe(`/v1/jobs/${body.id}`);
    expect(body.links.temporalUi).toContain(`/namespaces/somagent/workflows/${body.id}`);

    const done = await finished(body.id);
    expect(done).toMatchObject({
      id: body.id,
      type: 'echo',
      status: 'completed',
      result: { message: 'hello', n: 3 },
    });
  });

  it('keeps the search attributes operators filter on in the Web UI', async () => {
    const { body } = await startJob('echo', { ui: true });
    await finished(body.id);
    const description = await platform.resources.temporal.workflow.getHandle(body.id).describe();
    expect(description.typedSearchAttributes.get(searchAttributes.tenant)).toBe('default');
    expect(description.typedSearchAttributes.get(searchAttributes.kind)).toBe('job');
    expect(description.typedSearchAttributes.get(searchAttributes.status)).toBe('completed');

    const listed = await eventually(async () => {
      for await (const execution of platform.resources.temporal.workflow.list({
        query: `SomagentTenant = 'default' AND SomagentKind = 'job' AND WorkflowId = '${body.id}'`,
      })) {
        return execution.workflowId;
      }
      return undefined;
    });
    expect(listed).toBe(body.id);
  });

  it('reads PostgreSQL with the postgres.stats maintenance job', async () => {
    const { body } = await startJob('postgres.stats', {});
    const done = await finished(body.id);
    const { rows } = await platform.resources.pool.query<{ count: string }>(
      "select count(*) from jobs where tenant_id = 'default'",
    );
    const result = done.result as { jobs: number; apiKeys: number; databaseBytes: number };
    expect(done.status).toBe('completed');
    expect(result.jobs).toBeGreaterThanOrEqual(1);
    expect(result.jobs).toBeLessThanOrEqual(Number(rows[0]?.count));
    expect(result.apiKeys).toBeGreaterThanOrEqual(1);
    expect(result.databaseBytes).toBeGreaterThan(1_000_000);
  });

  it('writes PostgreSQL with the jobs.prune maintenance job, deleting only old records of the tenant', async () => {
    const { body: old } = await startJob('echo', { old: true });
    await finished(old.id);
    await platform.resources.pool.query(
      "update jobs set created_at = now() - interval '40 days' where id = $1",
      [old.id],
    );
    const { body: prune } = await startJob('jobs.prune', { olderThanDays: 30 });
    const done = await finished(prune.id);
    expect(done.status).toBe('completed');
    expect((done.result as { deleted: number }).deleted).toBeGreaterThanOrEqual(1);
    expect((await platform.call(`/v1/jobs/${old.id}`)).status).toBe(404);
  });

  it('returns the same job for a repeated Idempotency-Key and starts one workflow', async () => {
    const key = `idem-${Date.now()}`;
    const first = await startJob('echo', { once: true }, { 'Idempotency-Key': key });
    const second = await startJob('echo', { once: true }, { 'Idempotency-Key': key });
    expect(second.response.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.response.headers.get('idempotent-replayed')).toBe('true');
    const { rows } = await platform.resources.pool.query('select id from jobs where idempotency_key = $1', [
      key,
    ]);
    expect(rows).toHaveLength(1);
    await finished(first.body.id);
  });

  it('refuses an Idempotency-Key reused for a different request with 409', async () => {
    const key = `idem-conflict-${Date.now()}`;
    await startJob('echo', { a: 1 }, { 'Idempotency-Key': key });
    const { response, body } = await startJob('echo', { a: 2 }, { 'Idempotency-Key': key });
    expect(response.status).toBe(409);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect((body as unknown as { detail: string }).detail).toMatch(/Idempotency-Key/);
  });

  it('lists the job catalog with input schemas', async () => {
    const response = await platform.call('/v1/job-types');
    const body = (await response.json()) as { jobTypes: { type: string; inputSchema: { type?: string } }[] };
    expect(body.jobTypes.map((job) => job.type)).toEqual([
      'echo',
      'postgres.stats',
      'jobs.prune',
      'tool.invoke',
    ]);
    expect(body.jobTypes.find((job) => job.type === 'jobs.prune')?.inputSchema).toMatchObject({
      type: 'object',
      required: ['olderThanDays'],
    });
  });

  it('counts workflow starts and activity outcomes in /metrics', async () => {
    const text = await (await platform.call('/metrics', { key: null })).text();
    expect(text).toMatch(/somagent_workflow_starts_total\{kind="job"\} [1-9]/);
    expect(text).toMatch(/somagent_activity_outcomes_total\{activity="runJob",outcome="completed"\} [1-9]/);
    expect(text).toMatch(
      /somagent_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/v1\/jobs",status="202"\}/,
    );
  });
});
