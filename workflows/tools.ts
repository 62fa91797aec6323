import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';

const { invokeTool } = proxyActivities<Activities>({
  startToCloseTimeout: '30 minutes',
  heartbeatTimeout: '10 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 10,
  },
});

/**
 * Calls a tool from a workflow. `stepId` must be stable across replays (a task id, not a
 * counter of attempts): with the workflow id it forms the idempotency key that makes a write
 * happen once even when the activity is retried after a crash.
 */
export async function callTool(
  tenantId: string,
  tool: string,
  operation: string,
  input: unknown,
  stepId: string,
): Promise<unknown> {
  const { output } = await invokeTool({
    tenantId,
    tool,
    operation,
    input,
    idempotencyKey: `${workflowInfo().workflowId}:${stepId}`,
  });
  return output;
}
