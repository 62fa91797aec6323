import { Context } from '@temporalio/activity';
import type { InvokeHooks, InvokeRequest, InvokeResult } from '../adapters/core/tool-runtime.js';
import type { Resources } from '../core/resources.js';

/** Heartbeats and cancellation of the running activity, in the form tool calls take them. */
export function activityHooks(): InvokeHooks {
  const context = Context.current();
  return { heartbeat: (details) => context.heartbeat(details), signal: context.cancellationSignal };
}

/**
 * Runs `work` while heartbeating every few seconds, so a worker that dies mid-call is noticed
 * within the heartbeat timeout instead of the whole start-to-close timeout.
 */
export async function withPulse<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const pulse = setInterval(() => context.heartbeat(), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(pulse);
  }
}

/**
 * The one activity through which workflows call tools. ToolErrors become ApplicationFailures
 * in the worker's activity interceptor (workers/create-worker.ts).
 */
export function createInvokeTool(resources: Resources) {
  return async function invokeTool(request: Omit<InvokeRequest, 'workflowId'>): Promise<InvokeResult> {
    const workflowId = Context.current().info.workflowExecution?.workflowId;
    return withPulse(() =>
      resources.tools.invoke({ ...request, ...(workflowId ? { workflowId } : {}) }, activityHooks()),
    );
  };
}
