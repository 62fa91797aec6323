import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectEc2 } from '../../adapters/aws/client.js';
import { packageRoot } from '../../core/paths.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startMoto } from '../servers/moto.js';

/**
 * Projects whose tasks create real resources on EC2 (moto): failure, cancel and pause, with
 * the saga's compensations checked on the server; and a DAG's order and parallelism.
 */
let platform: TestPlatform;
let moto: Awaited<ReturnType<typeof startMoto>>;
let site: Server;
let siteUrl: string;
let key: string;
let imageId: string;
const held: (() => void)[] = [];

interface TaskView {
  status: string;
  startedAt?: string;
  finishedAt?: string;
  reason?: string;
}
interface ProjectBody {
  status: string;
  error?: string;
  tasks: Record<string, TaskView>;
  outputs?: Record<string, unknown>;
}

const ec2 = () =>
  connectEc2({
    region: 'us-east-1',
    accessKeyId: 'AKIASAGA000000000001',
    secretAccessKey: 'saga-secret',
    endpoint: moto.endpoint,
  });

beforeAll(async () => {
  site = createServer((req, res) => {
    // /slow waits until the test releases it: a task that takes exactly as long as the test needs.
    if (req.url?.startsWith('/slow'))
      held.push(() => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<title>slow</title>'));
    else
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>${req.url}</title><p>${req.url}</p>`);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  moto = await startMoto();
  platform = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'test', 'capsules') });
  const tenant = `saga-${Date.now()}`;
  await platform.call('/v1/tenants', { method: 'POST', json: { id: tenant, name: 'Saga tests' } });
  key = (
    (await (
      await platform.call('/v1/api-keys', {
        method: 'POST',
        json: { name: 'a', role: 'admin', tenantId: tenant },
      })
    ).json()) as { key: string }
  ).key;
  await platform.call('/v1/tools/aws/credentials', {
    method: 'PUT',
    key,
    json: {
      region: 'us-east-1',
      accessKeyId: 'AKIASAGA000000000001',
      secretAccessKey: 'saga-secret',
      endpoint: moto.endpoint,
    },
  });
  imageId = (await ec2().send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
});
afterAll(async () => {
  for (const release of held) release();
  await platform?.stop();
  await moto?.stop();
  site?.close();
});

const started: string[] = [];
const start = async (body: Record<string, unknown>) => {
  const { id } = (await (
    await platform.call('/v1/projects', { method: 'POST', key, json: { autoApprove: true, ...body } })
  ).json()) as { id: string };
  started.push(id);
  return id;
};
const project = async (id: string) =>
  (await (await platform.call(`/v1/projects/${id}`, { key })).json()) as ProjectBody;
const until = (id: string, check: (body: ProjectBody) => boolean, timeoutMs = 60_000) =>
  eventually(async () => {
    const body = await project(id);
    return check(body) ? body : undefined;
  }, timeoutMs);
const releaseSlow = async () => {
  await eventually(async () => (held.length > 0 ? true : undefined), 30_000);
  held.shift()?.();
};

async function sagaResources(groupName: string) {
  const groups = await ec2().send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [groupName] }] }),
  );
  const reservations = await ec2().send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:saga', Values: [groupName] }] }),
  );
  const instances = (reservations.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
  return {
    groups: groups.SecurityGroups?.length ?? 0,
    states: instances.map((instance) => instance.State?.Name),
  };
}

describe('project sagas on EC2', () => {
  it('fails on a non-retryable error, skips what depends on it, and undoes what it created', async () => {
    const groupName = `fail-${Date.now()}`;
    const id = await start({
      brief: 'saga',
      capsule: 'test-sandbox-saga',
      inputs: { groupName, imageId, slowUrl: `${siteUrl}slow`, describeId: 'i-0000000000000dead' },
    });
    await releaseSlow();
    const done = await until(id, (body) => ['failed', 'completed'].includes(body.status));
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/task check failed/);
    expect(done.tasks.check?.status).toBe('failed');
    expect(done.tasks.after).toMatchObject({
      status: 'skipped',
      reason: 'needs check, which did not complete',
    });
    expect(done.tasks.group?.status).toBe('compensated');
    expect(done.tasks.instance?.status).toBe('compensated');
    const left = await sagaResources(groupName);
    expect(left.groups).toBe(0);
    expect(left.states.every((state) => state === 'terminated' || state === 'shutting-down')).toBe(true);
    expect(left.states).toHaveLength(1);
  });

  it('undoes a forEach task element by element', async () => {
    const names = [1, 2, 3].map((n) => `each-${Date.now()}-${n}`);
    const id = await start({
      brief: 'saga',
      capsule: 'test-foreach-saga',
      inputs: { names, describeId: 'i-0000000000000dead' },
    });
    const done = await until(id, (body) => ['failed', 'completed'].includes(body.status));
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/task check failed/);
    expect(done.error).not.toMatch(/compensation/);
    expect(done.tasks.groups?.status).toBe('compensated');
    for (const name of names) expect((await sagaResources(name)).groups, name).toBe(0);
    // One compensation per element, each under its own key.
    const { rows } = await platform.resources.pool.query<{ idempotency_key: string }>(
      `select idempotency_key from tool_side_effects
        where idempotency_key like $1 and operation = 'deleteSecurityGroup' order by idempotency_key`,
      [`${id}:%`],
    );
    expect(rows.map((row) => row.idempotency_key)).toEqual(
      [0, 1, 2].map((index) => `${id}:groups[${index}]:compensate`),
    );
  });

  it('cancels mid-run: the running task finishes, nothing new starts, created resources are removed', async () => {
    const groupName = `cancel-${Date.now()}`;
    const id = await start({
      brief: 'saga',
      capsule: 'test-sandbox-saga',
      inputs: { groupName, imageId, slowUrl: `${siteUrl}slow`, describeId: 'i-0000000000000dead' },
    });
    await until(id, (body) => body.tasks.slow?.status === 'running');
    expect((await platform.call(`/v1/projects/${id}/cancel`, { method: 'POST', key })).status).toBe(202);
    await releaseSlow();
    const done = await until(id, (body) => ['cancelled', 'failed', 'completed'].includes(body.status));
    expect(done.status).toBe('cancelled');
    expect(done.tasks.check?.status).toBe('skipped');
    expect(done.tasks.group?.status).toBe('compensated');
    expect((await sagaResources(groupName)).groups).toBe(0);
    expect((await platform.call(`/v1/projects/${id}/resume`, { method: 'POST', key })).status).toBe(409);
  });

  it('pauses between tasks and resumes where it stopped', async () => {
    const groupName = `pause-${Date.now()}`;
    const instance = await ec2().send(
      // A real instance for the last step to describe, so this run can complete.
      new (await import('@aws-sdk/client-ec2')).RunInstancesCommand({
        ImageId: imageId,
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    const describeId = instance.Instances?.[0]?.InstanceId ?? '';
    const id = await start({
      brief: 'saga',
      capsule: 'test-sandbox-saga',
      inputs: { groupName, imageId, slowUrl: `${siteUrl}slow`, describeId },
    });
    await until(id, (body) => body.tasks.slow?.status === 'running');
    await platform.call(`/v1/projects/${id}/pause`, { method: 'POST', key });
    await releaseSlow();
    const paused = await until(
      id,
      (body) => body.status === 'paused' && body.tasks.slow?.status === 'completed',
    );
    expect(paused.tasks.check?.status).toBe('pending');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await project(id)).tasks.check?.status).toBe('pending');
    await platform.call(`/v1/projects/${id}/resume`, { method: 'POST', key });
    const done = await until(id, (body) => ['completed', 'failed'].includes(body.status));
    expect(done.status).toBe('completed');
    expect((await sagaResources(groupName)).groups).toBe(1);
  });

  it('runs independent tasks in parallel and a joining task after all of them, skipping a false condition', async () => {
    const id = await start({ brief: 'fan out', capsule: 'test-fan-out', inputs: { url: siteUrl } });
    const done = await until(id, (body) => ['completed', 'failed'].includes(body.status));
    expect(done.status).toBe('completed');
    const { a, b, c, join, never } = done.tasks as Record<string, TaskView>;
    const time = (value?: string) => Date.parse(value ?? '');
    const firstFinish = Math.min(time(a?.finishedAt), time(b?.finishedAt), time(c?.finishedAt));
    const lastStart = Math.max(time(a?.startedAt), time(b?.startedAt), time(c?.startedAt));
    expect(lastStart).toBeLessThanOrEqual(firstFinish);
    expect(time(join?.startedAt)).toBeGreaterThanOrEqual(
      Math.max(time(a?.finishedAt), time(b?.finishedAt), time(c?.finishedAt)),
    );
    expect(never).toMatchObject({ status: 'skipped', reason: expect.stringContaining('condition') });
    expect(done.outputs?.titles).toEqual(['/a', '/b', '/c']);
  });

  it('tears down what a completed project created when its timer fires, or at once on cancel', async () => {
    const timed = `ttl-${Date.now()}`;
    const id = await start({
      brief: 'ttl',
      capsule: 'test-timed-teardown',
      inputs: { groupName: timed, ttlHours: 3 / 3600 },
    });
    const completed = await until(id, (body) => body.status === 'completed');
    expect((completed as ProjectBody & { teardownAt?: string }).teardownAt).toBeDefined();
    expect((await sagaResources(timed)).groups).toBe(1);
    const tornDown = await until(
      id,
      (body) => (body as ProjectBody & { tornDownAt?: string }).tornDownAt !== undefined,
      30_000,
    );
    expect(tornDown.tasks.group?.status).toBe('compensated');
    expect((await sagaResources(timed)).groups).toBe(0);

    const early = `ttl-early-${Date.now()}`;
    const second = await start({
      brief: 'ttl',
      capsule: 'test-timed-teardown',
      inputs: { groupName: early, ttlHours: 48 },
    });
    await until(second, (body) => body.status === 'completed');
    expect((await sagaResources(early)).groups).toBe(1);
    expect((await platform.call(`/v1/projects/${second}/cancel`, { method: 'POST', key })).status).toBe(202);
    await until(
      second,
      (body) => (body as ProjectBody & { tornDownAt?: string }).tornDownAt !== undefined,
      30_000,
    );
    expect((await sagaResources(early)).groups).toBe(0);
    expect((await platform.call(`/v1/projects/${second}/cancel`, { method: 'POST', key })).status).toBe(409);
  });

  it('replays the histories of these projects without nondeterminism', async () => {
    const histories = await Promise.all(
      started.map(async (workflowId) => ({
        workflowId,
        history: await platform.resources.temporal.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    expect(histories.length).toBeGreaterThanOrEqual(4);
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('servers').bundlePath } },
      histories,
    );
    for await (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  });
});
