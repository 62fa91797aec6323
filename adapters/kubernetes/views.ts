import type { KubernetesObject } from '@kubernetes/client-node';
import { z } from 'zod';
import type { ObjectSummary } from './schemas.js';

/** The names and versions of an object the server returned; never its data (Secrets hold values). */
export function summarize(object: KubernetesObject): ObjectSummary {
  const metadata = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion ?? '',
    kind: object.kind ?? '',
    name: metadata.name ?? '',
    ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
    uid: metadata.uid ?? '',
    resourceVersion: metadata.resourceVersion ?? '',
    ...(metadata.generation === undefined ? {} : { generation: Number(metadata.generation) }),
  };
}

const condition = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

/** Where an object stands, as far as its kind reports it. */
export const objectStatus = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string(),
  createdAt: z.string().optional(),
  /** Deletion was requested; finalizers or the namespace controller are still at work. */
  deleting: z.boolean(),
  generation: z.number().int().optional(),
  observedGeneration: z.number().int().optional(),
  phase: z.string().optional(),
  /** Workloads: wanted replicas against those the controllers report (zero where nothing runs them). */
  replicas: z
    .object({
      desired: z.number().int(),
      ready: z.number().int(),
      available: z.number().int(),
      updated: z.number().int(),
    })
    .optional(),
  /** Set for kinds whose readiness has a clear meaning (workloads, Pod, Namespace, Job, Ready conditions). */
  ready: z.boolean().optional(),
  conditions: z.array(condition),
});
export type ObjectStatus = z.input<typeof objectStatus>;

interface StatusFields {
  phase?: string;
  observedGeneration?: number;
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  desiredNumberScheduled?: number;
  numberReady?: number;
  numberAvailable?: number;
  updatedNumberScheduled?: number;
  conditions?: {
    type?: string;
    status?: string;
    reason?: string;
    message?: string;
    lastTransitionTime?: Date | string;
  }[];
}

const iso = (value: Date | string | undefined) =>
  value === undefined ? undefined : value instanceof Date ? value.toISOString() : String(value);

function replicasOf(kind: string, spec: { replicas?: number }, status: StatusFields) {
  if (kind === 'DaemonSet') {
    return {
      desired: status.desiredNumberScheduled ?? 0,
      ready: status.numberReady ?? 0,
      available: status.numberAvailable ?? 0,
      updated: status.updatedNumberScheduled ?? 0,
    };
  }
  if (!['Deployment', 'StatefulSet', 'ReplicaSet'].includes(kind)) return undefined;
  return {
    desired: spec.replicas ?? 1,
    ready: status.readyReplicas ?? 0,
    available: status.availableReplicas ?? 0,
    updated: status.updatedReplicas ?? 0,
  };
}

/** Status, conditions and replica counts of any object, with `ready` where the kind defines it. */
export function statusOf(object: KubernetesObject): ObjectStatus {
  const { spec = {}, status = {} } = object as { spec?: { replicas?: number }; status?: StatusFields };
  const metadata = object.metadata ?? {};
  const kind = object.kind ?? '';
  const conditions = (status.conditions ?? []).map((entry) => ({
    type: entry.type ?? '',
    status: entry.status ?? 'Unknown',
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.message ? { message: entry.message } : {}),
    ...(entry.lastTransitionTime ? { lastTransitionTime: iso(entry.lastTransitionTime) } : {}),
  }));
  const isTrue = (type: string) => conditions.some((entry) => entry.type === type && entry.status === 'True');
  const generation = metadata.generation === undefined ? undefined : Number(metadata.generation);
  const observed = status.observedGeneration === undefined ? undefined : Number(status.observedGeneration);
  const replicas = replicasOf(kind, spec, status);
  // A controller that has not seen the latest spec cannot vouch for it, whatever its counts say.
  const caughtUp = generation === undefined || (observed !== undefined && observed >= generation);

  let ready: boolean | undefined;
  if (replicas)
    ready = caughtUp && replicas.ready >= replicas.desired && replicas.updated >= replicas.desired;
  else if (kind === 'Namespace') ready = status.phase === 'Active';
  else if (kind === 'Job') ready = isTrue('Complete');
  else if (conditions.some((entry) => entry.type === 'Ready')) ready = isTrue('Ready');

  return {
    apiVersion: object.apiVersion ?? '',
    kind,
    name: metadata.name ?? '',
    ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
    uid: metadata.uid ?? '',
    ...(metadata.creationTimestamp ? { createdAt: iso(metadata.creationTimestamp) } : {}),
    deleting: metadata.deletionTimestamp !== undefined && metadata.deletionTimestamp !== null,
    ...(generation === undefined ? {} : { generation }),
    ...(observed === undefined ? {} : { observedGeneration: observed }),
    ...(status.phase ? { phase: status.phase } : {}),
    ...(replicas ? { replicas } : {}),
    ...(ready === undefined ? {} : { ready }),
    conditions,
  };
}
