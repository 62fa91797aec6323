import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Resources } from '../core/resources.js';
import { activityHooks, withPulse } from './invoke-tool.js';
import { isJobType, jobCatalog } from '../jobs/catalog.js';

/** What the job workflow passes to its activity; plain JSON, no secrets. */
export interface RunJobInput {
  tenantId: string;
  type: string;
  input: unknown;
}

export function createRunJob(resources: Resources) {
  return async function runJob({ tenantId, type, input }: RunJobInput): Promise<unknown> {
    if (!isJobType(type)) {
      throw ApplicationFailure.nonRetryable(`unknown job type "${type}"`, 'InvalidInput');
    }
    const definition = jobCatalog[type];
    const parsed = definition.input.safeParse(input);
    if (!parsed.success) {
      throw ApplicationFailure.nonRetryable(
        `invalid input for ${type}: ${parsed.error.message}`,
        'InvalidInput',
      );
    }
    const workflowId = Context.current().info.workflowExecution?.workflowId ?? 'unknown';
    // The catalog's run functions each take their own schema's output; the lookup above pairs them.
    const run = definition.run as (
      input: unknown,
      context: Parameters<typeof definition.run>[1],
    ) => Promise<unknown>;
    return withPulse(() =>
      run(parsed.data, { resources, tenantId, jobId: workflowId, hooks: activityHooks() }),
    );
  };
}
