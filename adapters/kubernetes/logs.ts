import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { KubernetesClient } from './client.js';
import { objectName, targetNamespace } from './schemas.js';

const operation = defineOperation<KubernetesClient>();

export const logOperations = {
  readLogs: operation({
    description:
      "A pod's container log (the kubelet serves it through the API server): the last lines, or since some " +
      'seconds ago, capped in bytes because it goes into workflow history. A pod with several containers needs `container`.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      pod: objectName,
      namespace: targetNamespace,
      container: z.string().min(1).max(63).optional(),
      tailLines: z.number().int().min(1).max(100_000).optional(),
      sinceSeconds: z.number().int().min(1).optional(),
      /** The crashed previous instance of the container, to see why it restarted. */
      previous: z.boolean().default(false),
      timestamps: z.boolean().default(false),
      limitBytes: z.number().int().min(1).max(1_000_000).default(100_000),
    }),
    output: z.object({
      pod: z.string(),
      namespace: z.string(),
      container: z.string().optional(),
      log: z.string(),
      /** The log was longer than limitBytes and was cut there. */
      truncated: z.boolean(),
    }),
    run: async ({ client }, input) => {
      const namespace = input.namespace ?? client.defaultNamespace;
      let log: string;
      try {
        log = await client.core.readNamespacedPodLog({
          name: input.pod,
          namespace,
          ...(input.container ? { container: input.container } : {}),
          ...(input.tailLines ? { tailLines: input.tailLines } : {}),
          ...(input.sinceSeconds ? { sinceSeconds: input.sinceSeconds } : {}),
          previous: input.previous,
          timestamps: input.timestamps,
          limitBytes: input.limitBytes,
        });
      } catch (error) {
        // The server says 400 both for a wrong container and for a container that has not started;
        // the second is a state of the pod, not a mistake in the call.
        if (
          error instanceof ToolError &&
          error.details.status === 400 &&
          /waiting to start|not running|has not started/i.test(error.message)
        ) {
          throw new ToolError(
            'conflict',
            `${error.message} (read the logs once getStatus shows the pod running)`,
            error.details,
          );
        }
        throw error;
      }
      return {
        pod: input.pod,
        namespace,
        ...(input.container ? { container: input.container } : {}),
        log,
        truncated: Buffer.byteLength(log) >= input.limitBytes,
      };
    },
  }),
};
