import { Context } from '@temporalio/activity';
import type { InvokeHooks, InvokeRequest, InvokeResult } from '../adapters/core/tool-runtime.js';
import type { Resources } from '../core/resources.js';

/** Heartbeats and cancellation of the running activity, in the form tool calls take them. */
export function activityHooks(): InvokeHooks {
  const context = Context.current();
  return { heartbeat: (details) => context.heartbeat(details), signal: context.cancellationSignal };
}

/**
 * The one activity through which workflows call tools. ToolErrors become ApplicationFailures
 * in the worker's activity interceptor (workers/create-worker.ts).
 */
export function createInvokeTool(resources: Resources) {
  return async function invokeTool(request: Omit<InvokeRequest, 'workflowId'>): Promise<InvokeResult> {
    const context = Context.current();
    // Keeps long vendor calls alive for Temporal even when the adapter does not heartbeat itself.
    const pulse = setInterval(() => context.heartbeat(), 5_000);
    try {
      return await resources.tools.invoke(
        { ...request, ...(context.info.workflowExecution ? { workflowId: context.info.workflowExecution.workflowId } : {}) },
        activityHooks(),
      );
    } finally {
      clearInterval(pulse);
    }
  };
}
