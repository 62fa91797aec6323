import type { V1Deployment, V1Service } from '@kubernetes/client-node';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { applyObject } from './apply.js';
import type { KubernetesClient } from './client.js';
import { labels, objectName, objectSummary, targetNamespace } from './schemas.js';
import { summarize } from './views.js';

const operation = defineOperation<KubernetesClient>();

/** The label that ties a Deployment's pods to it and a Service to those pods. */
export const NAME_LABEL = 'app.kubernetes.io/name';
const managedBy = { 'app.kubernetes.io/managed-by': 'somagent' };

const quantities = z.object({ cpu: z.string().optional(), memory: z.string().optional() });

const serviceName = z
  .string()
  .max(63)
  .regex(
    /^[a-z]([-a-z0-9]*[a-z0-9])?$/,
    'must be a DNS-1035 label: starts with a letter, lowercase, digits, "-"',
  );

// These helpers apply (create or update), so no compensation: deleting on rollback would also
// delete an object that existed before the saga. Sagas undo by deleting the namespace they made.

export const workloadOperations = {
  createDeployment: operation({
    description:
      `Create or update a Deployment by server-side apply: one container, replicas, env, ports; pods carry ${NAME_LABEL}=<name>. ` +
      'Idempotent: the same input again changes nothing, another replica count updates it in place.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      name: objectName,
      namespace: targetNamespace,
      image: z.string().min(1),
      replicas: z.number().int().min(0).max(1000).default(1),
      containerName: z
        .string()
        .max(63)
        .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/)
        .default('app'),
      containerPort: z.number().int().min(1).max(65535).optional(),
      command: z.array(z.string()).optional(),
      args: z.array(z.string()).optional(),
      env: z.record(z.string().min(1), z.string()).default({}),
      /** Whole ConfigMaps and Secrets as environment variables, by name (their values never pass through here). */
      envFrom: z
        .object({ configMaps: z.array(objectName).default([]), secrets: z.array(objectName).default([]) })
        .optional(),
      resources: z.object({ requests: quantities.optional(), limits: quantities.optional() }).optional(),
      labels,
    }),
    output: objectSummary.extend({ replicas: z.number().int() }),
    run: async ({ client, heartbeat }, input) => {
      const podLabels = { ...input.labels, [NAME_LABEL]: input.name };
      const deployment: V1Deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: input.name, labels: { ...podLabels, ...managedBy } },
        spec: {
          replicas: input.replicas,
          selector: { matchLabels: { [NAME_LABEL]: input.name } },
          template: {
            metadata: { labels: podLabels },
            spec: {
              containers: [
                {
                  name: input.containerName,
                  image: input.image,
                  ...(input.containerPort ? { ports: [{ containerPort: input.containerPort }] } : {}),
                  ...(input.command ? { command: input.command } : {}),
                  ...(input.args ? { args: input.args } : {}),
                  ...(Object.keys(input.env).length
                    ? { env: Object.entries(input.env).map(([name, value]) => ({ name, value })) }
                    : {}),
                  ...(input.envFrom
                    ? {
                        envFrom: [
                          ...input.envFrom.configMaps.map((name) => ({ configMapRef: { name } })),
                          ...input.envFrom.secrets.map((name) => ({ secretRef: { name } })),
                        ],
                      }
                    : {}),
                  ...(input.resources ? { resources: input.resources } : {}),
                },
              ],
            },
          },
        },
      };
      const applied = await applyObject(client, deployment, { namespace: input.namespace, heartbeat });
      return { ...summarize(applied), replicas: applied.spec?.replicas ?? input.replicas };
    },
  }),
  createService: operation({
    description:
      `Create or update a Service by server-side apply; it selects the pods of the Deployment of the same name (${NAME_LABEL}) ` +
      'unless a selector is given. Returns the cluster IP the server allocated.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      name: serviceName,
      namespace: targetNamespace,
      type: z.enum(['ClusterIP', 'NodePort', 'LoadBalancer']).default('ClusterIP'),
      selector: z.record(z.string(), z.string()).optional().describe(`default: { "${NAME_LABEL}": name }`),
      ports: z
        .array(
          z.object({
            port: z.number().int().min(1).max(65535),
            targetPort: z.union([z.number().int().min(1).max(65535), z.string().min(1).max(15)]).optional(),
            protocol: z.enum(['TCP', 'UDP', 'SCTP']).default('TCP'),
            name: z
              .string()
              .max(15)
              .optional()
              .describe('required by the server when there is more than one port'),
          }),
        )
        .min(1),
      labels,
    }),
    output: objectSummary.extend({ type: z.string(), clusterIP: z.string().optional() }),
    run: async ({ client, heartbeat }, input) => {
      const service: V1Service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: input.name, labels: { ...input.labels, ...managedBy } },
        spec: {
          type: input.type,
          selector: input.selector ?? { [NAME_LABEL]: input.name },
          ports: input.ports.map((port) => ({
            port: port.port,
            protocol: port.protocol,
            ...(port.targetPort === undefined ? {} : { targetPort: port.targetPort }),
            ...(port.name ? { name: port.name } : {}),
          })),
        },
      };
      const applied = await applyObject(client, service, { namespace: input.namespace, heartbeat });
      return {
        ...summarize(applied),
        type: applied.spec?.type ?? input.type,
        ...(applied.spec?.clusterIP ? { clusterIP: applied.spec.clusterIP } : {}),
      };
    },
  }),
};
