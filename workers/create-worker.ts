import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeConnection } from '@temporalio/worker';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { isToolError, toApplicationFailure } from '../adapters/core/failure.js';
import type { Resources } from '../core/resources.js';

const here = fileURLToPath(import.meta.url);
/** The workflows entry next to this file: .ts when run from source, .js when run from dist/. */
export const workflowsPath = path.resolve(
  path.dirname(here),
  '..',
  'workflows',
  `index${path.extname(here)}`,
);

/** Bundles the workflow code once; workers made from the same bundle start in milliseconds. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
  });
}

export interface WorkerOptions {
  connection: NativeConnection;
  taskQueue: string;
  /** A prebuilt bundle (see bundleWorkflows), or a path to a bundle file. */
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
}

/** A worker that runs every SomaGent workflow and activity on one task queue. */
export async function createWorker(resources: Resources, options: WorkerOptions): Promise<Worker> {
  const { activityOutcomes } = resources.metrics;
  return Worker.create({
    connection: options.connection,
    namespace: resources.config.TEMPORAL_NAMESPACE,
    taskQueue: options.taskQueue,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath }),
    activities: createActivities(resources),
    // Fewer cached workflows: less memory, more replays of (short) histories when one wakes up.
    maxCachedWorkflows: resources.config.TEMPORAL_MAX_CACHED_WORKFLOWS,
    interceptors: {
      activity: [
        (ctx) => ({
          inbound: {
            async execute(input, next) {
              const activity = ctx.info.activityType;
              try {
                const result = await next(input);
                activityOutcomes.inc({ activity, outcome: 'completed' });
                return result;
              } catch (error) {
                activityOutcomes.inc({ activity, outcome: 'failed' });
                throw isToolError(error) ? toApplicationFailure(error) : error;
              }
            },
          },
        }),
      ],
    },
  });
}
