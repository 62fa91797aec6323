import { z } from 'zod';

/** A namespace name: a DNS-1123 label, as the API server requires. */
export const namespaceName = z
  .string()
  .max(63)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS label: lowercase letters, digits and "-", at most 63',
  );

/** Most object names (Deployment, ConfigMap, Secret): a DNS-1123 subdomain. */
export const objectName = z
  .string()
  .max(253)
  .regex(
    /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
    'must be a DNS subdomain: lowercase letters, digits, "-" and "."',
  );

/** Where a namespaced object lives; left out, the kubeconfig context's namespace or "default". */
export const targetNamespace = namespaceName
  .optional()
  .describe('namespace; default: the kubeconfig context namespace, else "default"');

/** Labels as the API server validates them (it answers 422 with the offending key). */
export const labels = z.record(z.string().min(1).max(317), z.string().max(63)).default({});

/** What a write of one object returns: what names it, never its contents. */
export const objectSummary = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string(),
  resourceVersion: z.string(),
  generation: z.number().int().optional(),
});
export type ObjectSummary = z.output<typeof objectSummary>;

/** Which object an operation reads or deletes. */
export const objectRef = z.object({
  kind: z.string().min(1).describe('Kubernetes kind, e.g. Deployment; common kinds need no apiVersion'),
  apiVersion: z
    .string()
    .min(1)
    .optional()
    .describe('e.g. apps/v1; needed for kinds outside the built-in list'),
  name: z.string().min(1).max(253),
  namespace: targetNamespace,
});
