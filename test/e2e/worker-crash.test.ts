import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { DescribeImagesCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { connectEc2 } from '../../adapters/aws/client.js';
import { packageRoot } from '../../core/paths.js';
import { adminKeyForTests } from '../harness/shared-servers.js';
import { startSlowProxy } from '../harness/slow-proxy.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startMoto } from '../servers/moto.js';

/**
 * The exactly-once promise under the worst timing: the worker dies after EC2 launched the
 * instance but before the answer reached it. A new worker retries the activity; the ledger and
 * the idempotency tag must lead it to the instance that exists instead of launching another.
 */
const capsulesDir = path.join(packageRoot, 'test', 'capsules');
let api: TestPlatform;
let moto: Awaited<ReturnType<typeof startMoto>>;
let proxy: Awaited<ReturnType<typeof startSlowProxy>>;
const workers: ChildProcess[] = [];
const credentials = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIACRASHTEST0000001',
  AWS_SECRET_ACCESS_KEY: 'crash-test-secret-key',
};

function startWorker(taskQueue: string): ChildProcess {
  const servers = inject('servers');
  const child = spawn(process.execPath, [`${packageRoot}/bin/somagent.js`, 'up', '--no-api'], {
    env: {
      PATH: process.env.PATH,
      SOMAGENT_DATA_DIR: servers.dataDir,
      SOMAGENT_ADMIN_KEY: adminKeyForTests,
      SOMAGENT_LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: servers.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SOMAGENT_CAPSULES_DIR: capsulesDir,
      DATABASE_URL: servers.databaseUrl,
      REDIS_URL: servers.redisUrl,
      ...credentials,
      AWS_ENDPOINT_URL_EC2: proxy.url,
    },
    stdio: 'ignore',
  });
  workers.push(child);
  return child;
}

async function instancesTagged(value: string) {
  const ec2 = connectEc2({
    region: 'us-east-1',
    accessKeyId: credentials.AWS_ACCESS_KEY_ID,
    secretAccessKey: credentials.AWS_SECRET_ACCESS_KEY,
    endpoint: moto.endpoint,
  });
  const result = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:run', Values: [value] }] }),
  );
  return (result.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startSlowProxy({ host: '127.0.0.1', port: Number(new URL(moto.endpoint).port) }, 4_000);
  api = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: capsulesDir }, { worker: false });
});
afterAll(async () => {
  for (const worker of workers) worker.kill('SIGKILL');
  await api?.stop();
  await proxy?.stop();
  await moto?.stop();
});

describe('a worker killed in the middle of a write', () => {
  it('is replaced by another that completes the job without creating the instance twice', async () => {
    const taskQueue = api.resources.config.TEMPORAL_TASK_QUEUE;
    const ec2 = connectEc2({
      region: 'us-east-1',
      accessKeyId: 'x',
      secretAccessKey: 'y',
      endpoint: moto.endpoint,
    });
    const imageId = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
    const run = `crash-${Date.now()}`;

    const first = startWorker(taskQueue);
    const created = await api.call('/v1/jobs', {
      method: 'POST',
      json: {
        type: 'tool.invoke',
        input: { tool: 'aws', operation: 'runInstances', input: { imageId, tags: { run } } },
      },
    });
    const { id } = (await created.json()) as { id: string };

    // The instance exists on the server while its answer is still held back by the proxy...
    await eventually(async () => ((await instancesTagged(run)).length === 1 ? true : undefined), 30_000);
    const ledger = await api.resources.pool.query<{ status: string }>(
      'select status from tool_side_effects where idempotency_key = $1',
      [id],
    );
    expect(ledger.rows[0]?.status).toBe('started');
    // ...and the worker dies before it hears back.
    first.kill('SIGKILL');

    startWorker(taskQueue);
    const job = await eventually(async () => {
      const body = (await (await api.call(`/v1/jobs/${id}`)).json()) as {
        status: string;
        result?: { instances: { instanceId: string }[] };
      };
      return body.status === 'completed' || body.status === 'failed' ? body : undefined;
    }, 90_000);

    const onServer = await instancesTagged(run);
    expect(job.status).toBe('completed');
    expect(onServer).toHaveLength(1);
    expect(job.result?.instances.map((instance) => instance.instanceId)).toEqual([onServer[0]?.InstanceId]);
    const { rows } = await api.resources.pool.query<{ status: string; attempts: number }>(
      'select status, attempts from tool_side_effects where idempotency_key = $1',
      [id],
    );
    expect(rows[0]).toMatchObject({ status: 'completed', attempts: 2 });
  }, 150_000);

  it('lets a project finish on a new worker, with each side effect once', async () => {
    const taskQueue = api.resources.config.TEMPORAL_TASK_QUEUE;
    const ec2 = connectEc2({
      region: 'us-east-1',
      accessKeyId: 'x',
      secretAccessKey: 'y',
      endpoint: moto.endpoint,
    });
    const imageId = (await ec2.send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
    const run = `project-crash-${Date.now()}`;
    const worker = startWorker(taskQueue);
    const created = await api.call('/v1/projects', {
      method: 'POST',
      json: { brief: 'launch', capsule: 'test-crash-launch', inputs: { imageId, run }, autoApprove: true },
    });
    const { id } = (await created.json()) as { id: string };
    await eventually(async () => ((await instancesTagged(run)).length === 1 ? true : undefined), 60_000);
    worker.kill('SIGKILL');
    startWorker(taskQueue);
    const done = await eventually(async () => {
      const body = (await (await api.call(`/v1/projects/${id}`)).json()) as {
        status: string;
        outputs?: { instanceIds: string[] };
        error?: string;
      };
      return ['completed', 'failed'].includes(body.status) ? body : undefined;
    }, 120_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    const onServer = await instancesTagged(run);
    expect(onServer).toHaveLength(1);
    expect(done.outputs?.instanceIds).toEqual([onServer[0]?.InstanceId]);
  }, 200_000);
});
