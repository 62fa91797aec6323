import type { V1ConfigMap, V1Secret } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { applyObject } from './apply.js';
import type { KubernetesClient } from './client.js';
import { labels, objectName, objectSummary, targetNamespace } from './schemas.js';
import { summarize } from './views.js';

const operation = defineOperation<KubernetesClient>();

const managedBy = { 'app.kubernetes.io/managed-by': 'somagent' };

/** Keys as the API server allows them in ConfigMaps and Secrets. */
const dataKey = z
  .string()
  .max(253)
  .regex(/^[-._a-zA-Z0-9]+$/, 'must consist of letters, digits, "-", "_" or "."');

// Apply-based, so no compensation (see workloads.ts): rollback by deleting the namespace.

export const configOperations = {
  createConfigMap: operation({
    description:
      'Create or update a ConfigMap by server-side apply. Idempotent; keys left out of a later call are removed.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      name: objectName,
      namespace: targetNamespace,
      data: z.record(dataKey, z.string()),
      labels,
    }),
    output: objectSummary.extend({ keys: z.array(z.string()) }),
    run: async ({ client, heartbeat }, input) => {
      const configMap: V1ConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: input.name, labels: { ...input.labels, ...managedBy } },
        data: input.data,
      };
      const applied = await applyObject(client, configMap, { namespace: input.namespace, heartbeat });
      return { ...summarize(applied), keys: Object.keys(applied.data ?? {}).sort() };
    },
  }),
  createSecret: operation({
    description:
      'Create or update a Secret by server-side apply from plain-text values (encoded here). Idempotent. ' +
      'Returns only names and keys: values are never returned, logged or recorded.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      name: objectName,
      namespace: targetNamespace,
      type: z
        .string()
        .min(1)
        .default('Opaque')
        .describe('e.g. Opaque, kubernetes.io/dockerconfigjson, kubernetes.io/tls'),
      data: z.record(dataKey, z.string()).describe('plain-text values; sent base64-encoded, never returned'),
      labels,
    }),
    output: objectSummary.extend({ type: z.string(), keys: z.array(z.string()) }),
    run: async ({ client, heartbeat }, input) => {
      // `data` rather than `stringData`: stringData is write-only, so apply could not track (and
      // later remove) the keys it set.
      const secret: V1Secret = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: input.type,
        metadata: { name: input.name, labels: { ...input.labels, ...managedBy } },
        data: Object.fromEntries(
          Object.entries(input.data).map(([key, value]) => [
            key,
            Buffer.from(value, 'utf8').toString('base64'),
          ]),
        ),
      };
      const applied = await applyObject(client, secret, { namespace: input.namespace, heartbeat });
      return {
        ...summarize(applied),
        type: applied.type ?? input.type,
        keys: Object.keys(applied.data ?? {}).sort(),
      };
    },
  }),
};
