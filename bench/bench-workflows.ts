import { proxyActivities } from '@temporalio/workflow';

export { kamachiqProject } from '../workflows/project/kamachiq-project.js';

const { noop } = proxyActivities<{ noop(): Promise<void> }>({ startToCloseTimeout: '1 minute' });

/** The baseline: a bare workflow running `steps` no-op activities one after another. */
export async function bareSteps(steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) await noop();
}
