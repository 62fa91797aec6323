import { log, proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { RunJobInput } from '../activities/run-job.js';
import { searchAttributes } from '../temporal-config/search-attributes.js';

const { runJob } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

function setStatus(status: 'running' | 'completed' | 'failed'): void {
  upsertSearchAttributes([{ key: searchAttributes.status, value: status }]);
}

/** One job from the catalog, run as a single durable activity; its status is kept in a search attribute. */
export async function jobWorkflow(input: RunJobInput): Promise<unknown> {
  setStatus('running');
  try {
    const result = await runJob(input);
    setStatus('completed');
    return result;
  } catch (error) {
    log.warn('job failed', { type: input.type });
    setStatus('failed');
    throw error;
  }
}
