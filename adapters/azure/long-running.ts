import type { OperationContext } from '../core/define-adapter.js';

/** What the pollers of arm-resources (core-lro 2) and arm-compute/arm-storage (core-lro 3) share. */
interface SdkPoller<T> {
  onProgress(callback: (state: { status: string }) => void): unknown;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T>;
}

/**
 * Waits for an Azure long-running operation through the SDK's own poller (which follows
 * Azure-AsyncOperation or Location and honours Retry-After), heartbeating once when it starts and
 * after every poll, so Temporal knows the activity is alive and a cancel stops the wait.
 */
export async function untilDone<T>(
  context: Pick<OperationContext<unknown>, 'heartbeat' | 'signal'>,
  what: string,
  poller: SdkPoller<T>,
): Promise<T> {
  let polls = 0;
  context.heartbeat({ operation: what, status: 'submitted', polls });
  poller.onProgress((state) => context.heartbeat({ operation: what, status: state.status, polls: ++polls }));
  return poller.pollUntilDone({ abortSignal: context.signal });
}

/** Poll interval option of the SDK pollers, from an operation's input. */
export const pollInterval = (input: { pollSeconds: number }) => ({
  updateIntervalInMs: Math.round(input.pollSeconds * 1000),
});
