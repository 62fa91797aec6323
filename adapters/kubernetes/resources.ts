import type { KubernetesObject } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { KubernetesClient } from './client.js';
import { resolveKind } from './kinds.js';
import { objectRef, targetNamespace } from './schemas.js';
import { objectStatus, statusOf } from './views.js';

const operation = defineOperation<KubernetesClient>();

/** The object header the generic API builds its URL from; the namespace is ignored for cluster-scoped kinds. */
function header(client: KubernetesClient, input: z.output<typeof objectRef>) {
  const { kind, apiVersion } = resolveKind(input.kind, input.apiVersion);
  return {
    apiVersion,
    kind,
    metadata: { name: input.name, namespace: input.namespace ?? client.defaultNamespace },
  };
}

const listedObject = z.object({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string(),
  createdAt: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  phase: z.string().optional(),
  ready: z.boolean().optional(),
  deleting: z.boolean(),
});

function listed(object: KubernetesObject): z.input<typeof listedObject> {
  const status = statusOf(object);
  return {
    name: status.name,
    ...(status.namespace ? { namespace: status.namespace } : {}),
    uid: status.uid,
    ...(status.createdAt ? { createdAt: status.createdAt } : {}),
    labels: object.metadata?.labels ?? {},
    ...(status.phase ? { phase: status.phase } : {}),
    ...(status.ready === undefined ? {} : { ready: status.ready }),
    deleting: status.deleting,
  };
}

export const resourceOperations = {
  getStatus: operation({
    description:
      'Status of one object by kind and name: phase, conditions, generation seen by its controller, replica ' +
      'counts for workloads, and `ready` where the kind defines it. Never returns Secret data.',
    kind: 'read',
    idempotent: true,
    input: objectRef,
    output: objectStatus,
    run: async ({ client }, input) => statusOf(await client.objects.read(header(client, input))),
  }),
  listResources: operation({
    description:
      'List objects of a kind (in a namespace, or all namespaces), optionally by label and field selectors: ' +
      'names, labels, phase and readiness. One page; pass `continue` for the next.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      kind: objectRef.shape.kind,
      apiVersion: objectRef.shape.apiVersion,
      namespace: targetNamespace,
      allNamespaces: z.boolean().default(false),
      labelSelector: z.string().min(1).optional().describe('e.g. app.kubernetes.io/name=web,tier!=cache'),
      fieldSelector: z.string().min(1).optional().describe('e.g. status.phase=Running'),
      limit: z.number().int().min(1).max(500).default(100),
      continue: z.string().min(1).optional(),
    }),
    output: z.object({ items: z.array(listedObject), continue: z.string().optional() }),
    run: async ({ client }, input) => {
      const { kind, apiVersion } = resolveKind(input.kind, input.apiVersion);
      const page = await client.objects.list(
        apiVersion,
        kind,
        input.allNamespaces ? undefined : (input.namespace ?? client.defaultNamespace),
        undefined,
        undefined,
        undefined,
        input.fieldSelector,
        input.labelSelector,
        input.limit,
        input.continue,
      );
      const next = page.metadata?._continue;
      return { items: page.items.map(listed), ...(next ? { continue: next } : {}) };
    },
  }),
  deleteResource: operation({
    description:
      'Delete one object by kind and name (dependents are collected in the background unless told otherwise). ' +
      'An object that is already gone counts as deleted. Namespaces: prefer deleteNamespace, which waits.',
    kind: 'destroy',
    idempotent: true,
    input: objectRef.extend({
      propagationPolicy: z.enum(['Background', 'Foreground', 'Orphan']).default('Background'),
      gracePeriodSeconds: z.number().int().min(0).optional(),
    }),
    output: z.object({
      kind: z.string(),
      name: z.string(),
      namespace: z.string().optional(),
      result: z.enum(['deleted', 'already_gone']),
    }),
    run: async ({ client }, input) => {
      const target = header(client, input);
      const namespaced = await client.objects.isNamespaced(target.apiVersion, target.kind);
      const named = {
        kind: target.kind,
        name: input.name,
        ...(namespaced ? { namespace: target.metadata.namespace } : {}),
      };
      try {
        await client.objects.delete(
          target,
          undefined,
          undefined,
          input.gracePeriodSeconds,
          undefined,
          input.propagationPolicy,
        );
        return { ...named, result: 'deleted' as const };
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found')
          return { ...named, result: 'already_gone' as const };
        throw error;
      }
    },
  }),
};
