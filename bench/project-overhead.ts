import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { adapters } from '../adapters/index.js';
import { capsuleLibrary } from '../capsules/library.js';
import { syncCapsules } from '../capsules/repository.js';
import { loadConfig, type Config } from '../core/config.js';
import { migrate } from '../core/db/migrate.js';
import { createLogger } from '../core/logger.js';
import type { Resources } from '../core/resources.js';
import { freePort } from '../core/net.js';
import { packageRoot } from '../core/paths.js';
import { scratchDir } from '../embedded/scratch-dir.js';
import { bootstrapIdentity } from '../identity/bootstrap.js';
import { createResources } from '../platform/create-resources.js';
import { startInfrastructure, type Infrastructure } from '../platform/infrastructure.js';
import { getProject, startProject } from '../projects/project-service.js';
import { connectWorker } from '../temporal-config/connection.js';
import { installRuntimeLogging } from '../workers/runtime-logging.js';
import { benchAdapter } from './bench-adapter.js';
import { fmt, percentile } from './stats.js';

const timeIt = async (fn: () => Promise<unknown>) => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

/**
 * Side by side on one Temporal dev server, one worker and the same settings: a project of 20
 * chained no-op steps against a bare workflow of 20 no-op activities (concurrency 1 and 50);
 * start latency through the project service against a raw workflow start; the end-to-end time
 * of a three-task parallel project; worker memory with many projects waiting for approval.
 */
export async function benchProjectOverhead(options: {
  rounds: number;
  concurrency: number;
  waiting: number;
}) {
  const logger = createLogger('warn');
  const dataDir = scratchDir('somagent-bench-');
  const config = loadConfig({
    SOMAGENT_DATA_DIR: dataDir,
    SOMAGENT_LOG_LEVEL: 'warn',
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    TEMPORAL_TASK_QUEUE: 'bench',
    SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'bench', 'capsules'),
  });
  const infrastructure = await startInfrastructure(config, logger, { durable: false });
  const benchAdapters = [...adapters, benchAdapter];
  const { resources, close } = await createResources(config, infrastructure, logger, {
    adapters: benchAdapters,
  });
  installRuntimeLogging(logger);
  const connection = await connectWorker(config, infrastructure.temporalAddress);
  try {
    await migrate(infrastructure.databaseUrl, logger);
    await bootstrapIdentity(config, resources.pool, logger);
    await syncCapsules(resources.pool, capsuleLibrary(benchAdapters, config.SOMAGENT_CAPSULES_DIR));
    const worker = await Worker.create({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: 'bench',
      workflowsPath: path.join(packageRoot, 'bench', 'bench-workflows.ts'),
      activities: { ...createActivities(resources), noop: async () => undefined },
      maxConcurrentWorkflowTaskExecutions: 100,
      maxConcurrentActivityTaskExecutions: 200,
    });
    const running = worker.run();
    const client = resources.temporal;
    const tenantId = config.SOMAGENT_DEFAULT_TENANT;

    const project = async (capsule: string) => {
      const { id } = await startProject(
        resources,
        tenantId,
        { brief: 'bench', capsule, autoApprove: true },
        { createdBy: 'bench' },
      );
      await client.workflow.getHandle(id).result();
      return id;
    };
    const bare = async () => {
      const handle = await client.workflow.start('bareSteps', {
        taskQueue: 'bench',
        workflowId: `bare-${randomUUID()}`,
        args: [20],
      });
      await handle.result();
    };

    await project('bench-twenty-noops');
    await bare();

    console.log('\nproject overhead: 20 chained no-op steps vs a bare workflow of 20 no-op activities');
    const serial = { project: [] as number[], bare: [] as number[] };
    for (let i = 0; i < options.rounds; i++) {
      serial.project.push(await timeIt(() => project('bench-twenty-noops')));
      serial.bare.push(await timeIt(bare));
    }
    const p50Project = percentile(serial.project, 50);
    const p50Bare = percentile(serial.bare, 50);
    console.log(
      `  concurrency 1 (${options.rounds} each): project p50 ${fmt(p50Project)}, bare p50 ${fmt(p50Bare)}, ratio ${(p50Project / p50Bare).toFixed(2)} (target <= 1.2)`,
    );
    const burstProject = await timeIt(() =>
      Promise.all(Array.from({ length: options.concurrency }, () => project('bench-twenty-noops'))),
    );
    const burstBare = await timeIt(() => Promise.all(Array.from({ length: options.concurrency }, bare)));
    console.log(
      `  concurrency ${options.concurrency}: project wall ${fmt(burstProject)}, bare wall ${fmt(burstBare)}, ratio ${(burstProject / burstBare).toFixed(2)} (target <= 1.2)`,
    );

    const startService: number[] = [];
    const startRaw: number[] = [];
    for (let i = 0; i < options.rounds * 3; i++) {
      startService.push(
        await timeIt(() =>
          startProject(
            resources,
            tenantId,
            { brief: 'bench', capsule: 'bench-three-parallel' },
            { createdBy: 'bench' },
          ),
        ),
      );
      startRaw.push(
        await timeIt(() =>
          client.workflow.start('bareSteps', {
            taskQueue: 'bench',
            workflowId: `raw-${randomUUID()}`,
            args: [0],
          }),
        ),
      );
    }
    console.log(
      `\nstart latency: project start (record + workflow start) p50 ${fmt(percentile(startService, 50))} p99 ${fmt(percentile(startService, 99))} | ` +
        `raw client.workflow.start p50 ${fmt(percentile(startRaw, 50))} p99 ${fmt(percentile(startRaw, 99))} | ratio p50 ${(percentile(startService, 50) / percentile(startRaw, 50)).toFixed(2)}`,
    );

    const threeTask: number[] = [];
    for (let i = 0; i < options.rounds * 2; i++)
      threeTask.push(await timeIt(() => project('bench-three-parallel')));
    console.log(
      `\nthree-task parallel project end to end: p50 ${fmt(percentile(threeTask, 50))} p99 ${fmt(percentile(threeTask, 99))} (target p50 <= 100 ms)`,
    );

    worker.shutdown();
    await running;
    // The platform's worker (TEMPORAL_MAX_CACHED_WORKFLOWS at its default), then with a cache large
    // enough to hold every waiting project, as the SDK's own default would.
    await measureWaitingWorker(config, infrastructure, resources, options.waiting);
    await measureWaitingWorker(config, infrastructure, resources, options.waiting, options.waiting + 100);
  } finally {
    await connection.close();
    await close();
    await infrastructure.stop();
  }
}

/** Resident memory of a process, from /proc (Linux). */
function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
}

/**
 * Worker memory with many projects waiting for approval, measured on a worker-only process
 * (`somagent up --no-api` against the bench's servers) so the bench's own client, pools and
 * in-process worker do not count.
 */
async function measureWaitingWorker(
  config: Config,
  infrastructure: Infrastructure,
  resources: Resources,
  waiting: number,
  maxCached?: number,
) {
  const taskQueue = `bench-waiting-${randomUUID()}`;
  const child = spawn(process.execPath, [path.join(packageRoot, 'bin', 'somagent.js'), 'up', '--no-api'], {
    cwd: packageRoot,
    env: {
      ...process.env,
      SOMAGENT_DATA_DIR: config.dataDir,
      SOMAGENT_LOG_LEVEL: 'warn',
      SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'bench', 'capsules-waiting'),
      TEMPORAL_ADDRESS: infrastructure.temporalAddress,
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...(maxCached ? { TEMPORAL_MAX_CACHED_WORKFLOWS: String(maxCached) } : {}),
      DATABASE_URL: infrastructure.databaseUrl,
      REDIS_URL: infrastructure.redisUrl,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('SomaGent is up')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`the worker process exited (${code})`)));
    });
    const pid = child.pid ?? 0;
    const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idle = rssOf(pid);
    const onQueue = { ...resources, config: { ...resources.config, TEMPORAL_TASK_QUEUE: taskQueue } };
    const tenantId = config.SOMAGENT_DEFAULT_TENANT;
    const ids: string[] = [];
    let peak = idle;
    for (let i = 0; i < waiting; i += 50) {
      const batch = Array.from({ length: Math.min(50, waiting - i) }, async () => {
        const started = await startProject(
          onQueue,
          tenantId,
          { brief: 'bench', capsule: 'bench-waiting' },
          { createdBy: 'bench' },
        );
        return started.id;
      });
      ids.push(...(await Promise.all(batch)));
      peak = Math.max(peak, rssOf(pid));
    }
    for (const id of ids) {
      for (;;) {
        const status = (await getProject(onQueue, tenantId, id))?.status;
        if (status === 'awaiting_approval') break;
        if (status !== 'planning' && status !== undefined) throw new Error(`project ${id} is ${status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      peak = Math.max(peak, rssOf(pid));
    }
    // Once they all wait, the worker is idle: V8 gives back what the burst of planning took.
    const samples: string[] = [];
    let settled = 0;
    let waited = 0;
    for (const seconds of [2, 10, 30]) {
      await new Promise((resolve) => setTimeout(resolve, (seconds - waited) * 1000));
      waited = seconds;
      settled = rssOf(pid);
      peak = Math.max(peak, settled);
      samples.push(`${mb(settled)} after ${seconds} s`);
    }
    console.log(
      `\nworker process (worker only, no API; ${maxCached ? `TEMPORAL_MAX_CACHED_WORKFLOWS=${maxCached}` : 'default settings'}) with ${ids.length} projects awaiting approval: RSS ${samples.join(', ')} (idle before: ${mb(idle)}; peak: ${mb(peak)}) (target <= 300 MB: ${settled <= 300 * 2 ** 20 ? 'met' : 'NOT met'})`,
    );
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}
