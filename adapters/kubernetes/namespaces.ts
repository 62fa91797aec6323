import { createHash } from 'node:crypto';
import type { V1Namespace } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { KubernetesClient } from './client.js';
import { labels, namespaceName } from './schemas.js';

const operation = defineOperation<KubernetesClient>();

/** Label that marks what SomaGent created for an idempotency key, so a retry after a crash finds it. */
export const IDEMPOTENCY_LABEL = 'somagent.io/idempotency-key';

/** Label values are at most 63 characters; 40 hex digits of a hash keep keys apart. */
export const idempotencyLabelValue = (key: string) =>
  createHash('sha256').update(key).digest('hex').slice(0, 40);

const namespaceView = z.object({
  name: z.string(),
  uid: z.string(),
  phase: z.string(),
  labels: z.record(z.string(), z.string()),
});

const view = (namespace: V1Namespace): z.input<typeof namespaceView> => ({
  name: namespace.metadata?.name ?? '',
  uid: namespace.metadata?.uid ?? '',
  phase: namespace.status?.phase ?? 'Unknown',
  labels: namespace.metadata?.labels ?? {},
});

/** Waits, or stops early with the activity's cancellation. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const cancelled = () => {
      clearTimeout(timer);
      reject(new ToolError('transient', 'cancelled while waiting for the namespace to go away'));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', cancelled);
      resolve();
    }, ms);
    if (signal.aborted) cancelled();
    else signal.addEventListener('abort', cancelled, { once: true });
  });
}

/** The namespace as it is now, or undefined once the API server no longer has it. */
async function readIfPresent(client: KubernetesClient, name: string): Promise<V1Namespace | undefined> {
  try {
    return await client.core.readNamespace({ name });
  } catch (error) {
    if (error instanceof ToolError && error.category === 'not_found') return undefined;
    throw error;
  }
}

/** Why a terminating namespace is still there, as its conditions tell (content or finalizers left). */
const blockers = (namespace: V1Namespace) =>
  (namespace.status?.conditions ?? [])
    .filter((condition) => condition.status === 'True' && condition.message)
    .map((condition) => `${condition.type}: ${condition.message}`);

export const namespaceOperations = {
  createNamespace: operation({
    description:
      'Create a namespace with labels, by exact name or by generateName (the server adds a random suffix). ' +
      'A name that exists fails with conflict. With an idempotency key it happens once: the namespace is ' +
      `labelled ${IDEMPOTENCY_LABEL}, which finds it again after a crash.`,
    kind: 'write',
    idempotent: false,
    input: z
      .object({
        name: namespaceName.optional(),
        generateName: z
          .string()
          .max(58)
          .regex(/^[a-z0-9]([-a-z0-9]*)?$/, 'must be the start of a DNS label, e.g. "preview-"')
          .optional()
          .describe('prefix; the server appends 5 random characters'),
        labels,
      })
      .refine((input) => (input.name === undefined) !== (input.generateName === undefined), {
        message: 'give exactly one of name and generateName',
      }),
    output: namespaceView,
    compensate: { operation: 'deleteNamespace', input: (_input, output) => ({ name: output.name }) },
    recover: async ({ client, idempotencyKey }) => {
      if (!idempotencyKey) return undefined;
      const found = await client.core.listNamespace({
        labelSelector: `${IDEMPOTENCY_LABEL}=${idempotencyLabelValue(idempotencyKey)}`,
      });
      const namespace = found.items[0];
      return namespace ? namespaceView.parse(view(namespace)) : undefined;
    },
    run: async ({ client, idempotencyKey }, input) => {
      const created = await client.core.createNamespace({
        body: {
          metadata: {
            ...(input.name ? { name: input.name } : { generateName: input.generateName }),
            labels: {
              ...input.labels,
              'app.kubernetes.io/managed-by': 'somagent',
              ...(idempotencyKey ? { [IDEMPOTENCY_LABEL]: idempotencyLabelValue(idempotencyKey) } : {}),
            },
          },
        },
      });
      return view(created);
    },
  }),
  deleteNamespace: operation({
    description:
      'Delete a namespace and everything in it (the compensation of createNamespace), waiting with heartbeats ' +
      'until the server no longer has it; after timeoutSeconds it returns state "terminating" and what holds it up. ' +
      'A namespace that is already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({
      name: namespaceName,
      timeoutSeconds: z
        .number()
        .int()
        .min(0)
        .max(3600)
        .default(300)
        .describe('0: ask for deletion, do not wait'),
      pollSeconds: z.number().min(0.2).max(60).default(2),
    }),
    output: z.object({
      name: z.string(),
      state: z.enum(['gone', 'terminating']),
      /** It was gone before this call asked. */
      alreadyGone: z.boolean(),
      waitedSeconds: z.number(),
      /** While terminating: the namespace's conditions that say what is left (content, finalizers). */
      remaining: z.array(z.string()).optional(),
    }),
    run: async ({ client, heartbeat, signal }, input) => {
      const started = Date.now();
      const waited = () => Math.round((Date.now() - started) / 100) / 10;
      try {
        await client.core.deleteNamespace({ name: input.name });
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found') {
          return { name: input.name, state: 'gone' as const, alreadyGone: true, waitedSeconds: 0 };
        }
        throw error;
      }
      const deadline = started + input.timeoutSeconds * 1000;
      for (;;) {
        const namespace = await readIfPresent(client, input.name);
        if (!namespace)
          return { name: input.name, state: 'gone' as const, alreadyGone: false, waitedSeconds: waited() };
        heartbeat({ namespace: input.name, phase: namespace.status?.phase, waitedSeconds: waited() });
        if (Date.now() >= deadline) {
          return {
            name: input.name,
            state: 'terminating' as const,
            alreadyGone: false,
            waitedSeconds: waited(),
            remaining: blockers(namespace),
          };
        }
        await sleep(Math.min(input.pollSeconds * 1000, Math.max(0, deadline - Date.now())), signal);
      }
    },
  }),
};
