import { ToolError } from '../core/errors.js';

/** The apiVersion of built-in kinds, so callers (and plans written by models) can name just the kind. */
const builtInKinds: Record<string, string> = {
  Namespace: 'v1',
  Pod: 'v1',
  Service: 'v1',
  ConfigMap: 'v1',
  Secret: 'v1',
  ServiceAccount: 'v1',
  PersistentVolumeClaim: 'v1',
  PersistentVolume: 'v1',
  Node: 'v1',
  Event: 'v1',
  Endpoints: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  ReplicaSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
  Ingress: 'networking.k8s.io/v1',
  NetworkPolicy: 'networking.k8s.io/v1',
  HorizontalPodAutoscaler: 'autoscaling/v2',
  Role: 'rbac.authorization.k8s.io/v1',
  RoleBinding: 'rbac.authorization.k8s.io/v1',
  ClusterRole: 'rbac.authorization.k8s.io/v1',
  ClusterRoleBinding: 'rbac.authorization.k8s.io/v1',
  CustomResourceDefinition: 'apiextensions.k8s.io/v1',
  PodDisruptionBudget: 'policy/v1',
  StorageClass: 'storage.k8s.io/v1',
};

const byLowerCase = new Map(Object.keys(builtInKinds).map((kind) => [kind.toLowerCase(), kind]));

/**
 * The kind as the API spells it and its apiVersion: built-in kinds match case-insensitively
 * ("deployment"); any other kind needs its apiVersion.
 */
export function resolveKind(kind: string, apiVersion?: string): { kind: string; apiVersion: string } {
  const known = byLowerCase.get(kind.toLowerCase());
  if (apiVersion) return { kind: known && builtInKinds[known] === apiVersion ? known : kind, apiVersion };
  const builtIn = known ? builtInKinds[known] : undefined;
  if (!known || !builtIn) {
    throw new ToolError(
      'invalid_input',
      `kind ${kind} needs an apiVersion (built-in kinds that do not: ${Object.keys(builtInKinds).join(', ')})`,
    );
  }
  return { kind: known, apiVersion: builtIn };
}
