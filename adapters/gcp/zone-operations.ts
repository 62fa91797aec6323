import type { protos } from '@google-cloud/compute';
import { z } from 'zod';
import { defineOperation, type OperationContext } from '../core/define-adapter.js';
import { ToolError, categoryOfStatus } from '../core/errors.js';
import { callOptions, type GcpClients } from './client.js';
import { zoneName } from './schemas.js';

type Operation = protos.google.cloud.compute.v1.IOperation;
const operation = defineOperation<GcpClients>();

/** A zonal operation as the adapter reports it. */
export const operationView = z.object({
  name: z.string(),
  zone: z.string(),
  status: z.string(),
  operationType: z.string().optional(),
  targetLink: z.string().optional(),
  progress: z.number().int().optional(),
});
export type OperationView = z.input<typeof operationView>;

/** The adapter's view of a Compute Operation (the SDK's object carries protobuf bookkeeping too). */
export function viewOperation(op: Operation, zone: string): OperationView {
  return {
    name: op.name ?? '',
    zone,
    status: String(op.status ?? 'PENDING'),
    ...(op.operationType ? { operationType: op.operationType } : {}),
    ...(op.targetLink ? { targetLink: op.targetLink } : {}),
    ...(typeof op.progress === 'number' ? { progress: op.progress } : {}),
  };
}

/** A finished operation's errors as the ToolError they amount to (Compute reports them in the body, with HTTP 200). */
function failure(op: Operation): ToolError | undefined {
  const errors = op.error?.errors ?? [];
  if (errors.length === 0) return undefined;
  const codes = errors.map((e) => e.code ?? 'UNKNOWN');
  const message = `operation ${op.name ?? ''} failed: ${errors.map((e) => `${e.code ?? ''}: ${e.message ?? ''}`).join('; ')}`;
  // Out of capacity in the zone passes; other failures carry the HTTP status they stand for.
  if (codes.some((code) => code.startsWith('ZONE_RESOURCE_POOL_EXHAUSTED')))
    return new ToolError('transient', message);
  const status = op.httpErrorStatusCode ?? 0;
  return new ToolError(
    status >= 400 ? categoryOfStatus(status) : 'conflict',
    message,
    status >= 400 ? { status } : {},
  );
}

/** How long a `wait` call may be in flight before the activity heartbeats anyway (it blocks up to 2 minutes). */
const HEARTBEAT_WHILE_WAITING_MS = 10_000;

/**
 * Waits until a zonal operation is DONE with ZoneOperationsClient.wait, which the server holds up to
 * two minutes and may return early, heartbeating after every answer (and every 10 s while one is in
 * flight). Throws the operation's own error when it finished with one.
 */
export async function untilDone(
  context: Pick<OperationContext<GcpClients>, 'client' | 'heartbeat' | 'signal'>,
  zone: string,
  started: Operation,
  options: { timeoutSeconds: number; pollSeconds: number },
): Promise<Operation> {
  const { client, heartbeat, signal } = context;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let op = started;
  let polls = 0;
  heartbeat({ operation: op.name, status: op.status, polls });
  while (String(op.status) !== 'DONE') {
    signal.throwIfAborted();
    if (Date.now() > deadline) {
      throw new ToolError(
        'transient',
        `operation ${op.name ?? ''} not done after ${options.timeoutSeconds}s (still ${String(op.status)})`,
      );
    }
    const asked = Date.now();
    const alive = setInterval(
      () => heartbeat({ operation: op.name, status: op.status, polls, waiting: true }),
      HEARTBEAT_WHILE_WAITING_MS,
    );
    try {
      [op] = await client.operations.wait(
        { project: client.projectId, zone, operation: op.name ?? '' },
        { ...callOptions, timeout: 150_000 },
      );
    } finally {
      clearInterval(alive);
    }
    heartbeat({ operation: op.name, status: op.status, polls: ++polls });
    // `wait` may answer at once when the server is busy; do not hammer it.
    const early = options.pollSeconds * 1000 - (Date.now() - asked);
    if (String(op.status) !== 'DONE' && early > 0) await new Promise((resolve) => setTimeout(resolve, early));
  }
  const error = failure(op);
  if (error) throw error;
  return op;
}

/** Wait options shared by every operation that starts a zonal operation. */
export const waitOptions = {
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
  pollSeconds: z.number().min(0.05).max(60).default(1),
};

/** Operations on zonal operations: waiting for one a workflow started without waiting. */
export const zoneOperationOperations = {
  waitForZoneOperation: operation({
    description:
      "Wait (heartbeating) until a zonal Compute Engine operation is DONE; fails with the operation's error if it had one.",
    kind: 'read',
    idempotent: true,
    input: z.object({ zone: zoneName, operation: z.string().min(1), ...waitOptions }),
    output: operationView,
    run: async (context, input) => {
      const { client } = context;
      const [current] = await client.operations.get(
        { project: client.projectId, zone: input.zone, operation: input.operation },
        callOptions,
      );
      return viewOperation(await untilDone(context, input.zone, current, input), input.zone);
    },
  }),
};
