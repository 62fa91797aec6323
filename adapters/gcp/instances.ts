import { createHash, randomBytes } from 'node:crypto';
import type { protos } from '@google-cloud/compute';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { callOptions, type GcpClients } from './client.js';
import { instanceName, labels, zoneName } from './schemas.js';
import { operationView, untilDone, viewOperation, waitOptions } from './zone-operations.js';

type Instance = protos.google.cloud.compute.v1.IInstance;
type Operation = protos.google.cloud.compute.v1.IOperation;
const operation = defineOperation<GcpClients>();

/** Label that marks what SomaGent created for an idempotency key, so a retry can tell it is its own. */
export const IDEMPOTENCY_LABEL = 'somagent-key';

const keyHash = (key: string) => createHash('sha256').update(key).digest('hex');
/** Compute's `requestId`: a UUID; the same key gives the same one, so Compute drops a repeated insert. */
function requestIdOf(key: string): string {
  const h = keyHash(`request-id:${key}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[Number.parseInt(h[16] ?? '0', 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const lastSegment = (url: string | null | undefined) => url?.split('/').pop() ?? '';

const instanceView = z.object({
  name: z.string(),
  id: z.string().optional(),
  zone: z.string(),
  status: z.string(),
  machineType: z.string().optional(),
  internalIp: z.string().optional(),
  externalIp: z.string().optional(),
  labels: z.record(z.string(), z.string()),
  selfLink: z.string().optional(),
});

function view(instance: Instance): z.input<typeof instanceView> {
  const nic = instance.networkInterfaces?.[0];
  const natIp = nic?.accessConfigs?.[0]?.natIP;
  return {
    name: instance.name ?? '',
    ...(instance.id ? { id: String(instance.id) } : {}),
    zone: lastSegment(instance.zone),
    status: String(instance.status ?? 'UNKNOWN'),
    ...(instance.machineType ? { machineType: lastSegment(instance.machineType) } : {}),
    ...(nic?.networkIP ? { internalIp: nic.networkIP } : {}),
    ...(natIp ? { externalIp: natIp } : {}),
    labels: { ...(instance.labels ?? {}) },
    ...(instance.selfLink ? { selfLink: instance.selfLink } : {}),
  };
}

/** A 404: over the REST transport a GaxiosError with `status`; decoded by google-gax, gRPC code 5. */
const isNotFound = (error: unknown) => {
  const e = error as { status?: unknown; code?: unknown };
  return e?.status === 404 || e?.code === 5;
};

async function find(client: GcpClients, zone: string, name: string): Promise<Instance | undefined> {
  try {
    const [instance] = await client.instances.get(
      { project: client.projectId, zone, instance: name },
      callOptions,
    );
    return instance;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** The raw Operation an insert/stop/delete call started (the SDK wraps it in an LROperation). */
const startedOperation = (call: readonly unknown[]) =>
  (call[0] as { latestResponse: Operation }).latestResponse;

const createInput = z.object({
  zone: zoneName,
  /** Omitted: `<namePrefix>-<hash of the idempotency key>`, so a retried call finds the same instance. */
  name: instanceName.optional(),
  namePrefix: z
    .string()
    .regex(/^[a-z][-a-z0-9]{0,40}$/)
    .default('somagent'),
  machineType: z.string().min(1).default('e2-micro'),
  /** Boot disk image: a family or image URL, project-relative or full. */
  image: z.string().min(1).default('projects/debian-cloud/global/images/family/debian-12'),
  diskSizeGb: z.number().int().min(10).max(65_536).default(10),
  network: z.string().min(1).default('global/networks/default'),
  subnetwork: z.string().min(1).optional(),
  externalIp: z.boolean().default(false),
  labels,
  /** Wait (heartbeating) for the insert operation and return the instance as it then is. */
  wait: z.boolean().default(true),
  ...waitOptions,
});

function nameOf(input: z.output<typeof createInput>, idempotencyKey: string | undefined): string {
  if (input.name) return input.name;
  const suffix = idempotencyKey ? keyHash(idempotencyKey).slice(0, 12) : randomBytes(6).toString('hex');
  return `${input.namePrefix}-${suffix}`;
}

const stateOutput = z.object({
  name: z.string(),
  zone: z.string(),
  status: z.string().optional(),
  operation: operationView,
});

/** Instances: create, read, list, stop, delete. */
export const instanceOperations = {
  createInstance: operation({
    description:
      'Create a Compute Engine VM with labels, a machine type and a boot disk from an image, and by default wait ' +
      '(heartbeating) until the insert is done. Retries with the same idempotency key find the same instance.',
    kind: 'write',
    idempotent: false,
    input: createInput,
    output: instanceView.extend({ operation: operationView.optional() }),
    compensate: {
      operation: 'deleteInstance',
      input: (input, output) => ({ zone: input.zone, name: output.name }),
    },
    // The name comes from the key, and the key's label proves the instance is this call's.
    recover: async ({ client, idempotencyKey }, input) => {
      if (!idempotencyKey) return undefined;
      const instance = await find(client, input.zone, nameOf(input, idempotencyKey));
      return instance?.labels?.[IDEMPOTENCY_LABEL] === keyHash(idempotencyKey).slice(0, 40)
        ? view(instance)
        : undefined;
    },
    run: async (context, input) => {
      const { client, idempotencyKey } = context;
      const name = nameOf(input, idempotencyKey);
      const call = await client.instances.insert(
        {
          project: client.projectId,
          zone: input.zone,
          ...(idempotencyKey ? { requestId: requestIdOf(idempotencyKey) } : {}),
          instanceResource: {
            name,
            machineType: `zones/${input.zone}/machineTypes/${input.machineType}`,
            labels: {
              ...input.labels,
              ...(idempotencyKey ? { [IDEMPOTENCY_LABEL]: keyHash(idempotencyKey).slice(0, 40) } : {}),
            },
            disks: [
              {
                boot: true,
                autoDelete: true,
                initializeParams: { sourceImage: input.image, diskSizeGb: input.diskSizeGb },
              },
            ],
            networkInterfaces: [
              {
                network: input.network,
                ...(input.subnetwork ? { subnetwork: input.subnetwork } : {}),
                ...(input.externalIp
                  ? { accessConfigs: [{ name: 'External NAT', type: 'ONE_TO_ONE_NAT' }] }
                  : {}),
              },
            ],
          },
        },
        callOptions,
      );
      const started = startedOperation(call);
      if (!input.wait)
        return {
          name,
          zone: input.zone,
          status: 'PROVISIONING',
          labels: input.labels,
          operation: viewOperation(started, input.zone),
        };
      const done = await untilDone(context, input.zone, started, input);
      const instance = await find(client, input.zone, name);
      return {
        ...(instance ? view(instance) : { name, zone: input.zone, status: 'UNKNOWN', labels: input.labels }),
        operation: viewOperation(done, input.zone),
      };
    },
  }),
  getInstance: operation({
    description: 'Read one instance: status, machine type, addresses, labels.',
    kind: 'read',
    idempotent: true,
    input: z.object({ zone: zoneName, name: instanceName }),
    output: instanceView,
    run: async ({ client }, input) => {
      const [instance] = await client.instances.get(
        { project: client.projectId, zone: input.zone, instance: input.name },
        callOptions,
      );
      return view(instance);
    },
  }),
  listInstances: operation({
    description:
      'List the instances of a zone, optionally those with all the given labels (all pages up to the limit).',
    kind: 'read',
    idempotent: true,
    input: z.object({
      zone: zoneName,
      labels: z.record(z.string(), z.string()).optional(),
      limit: z.number().int().min(1).max(5000).default(500),
    }),
    output: z.object({ instances: z.array(instanceView) }),
    run: async ({ client }, input) => {
      const filter = Object.entries(input.labels ?? {})
        .map(([key, value]) => `(labels.${key} = "${value.replace(/["\\]/g, '\\$&')}")`)
        .join(' ');
      const instances: z.input<typeof instanceView>[] = [];
      let pageToken: string | undefined;
      do {
        const [page, , response] = await client.instances.list(
          {
            project: client.projectId,
            zone: input.zone,
            maxResults: Math.min(500, input.limit),
            ...(filter ? { filter } : {}),
            ...(pageToken ? { pageToken } : {}),
          },
          { ...callOptions, autoPaginate: false },
        );
        instances.push(...page.map(view));
        pageToken = response?.nextPageToken ?? undefined;
      } while (pageToken && instances.length < input.limit);
      return { instances: instances.slice(0, input.limit) };
    },
  }),
  stopInstance: operation({
    description:
      'Stop an instance (no more VM charges; disks stay), by default waiting (heartbeating) until it is TERMINATED.',
    kind: 'write',
    idempotent: true,
    input: z.object({ zone: zoneName, name: instanceName, wait: z.boolean().default(true), ...waitOptions }),
    output: stateOutput,
    run: async (context, input) => {
      const { client } = context;
      const started = startedOperation(
        await client.instances.stop(
          { project: client.projectId, zone: input.zone, instance: input.name },
          callOptions,
        ),
      );
      if (!input.wait)
        return { name: input.name, zone: input.zone, operation: viewOperation(started, input.zone) };
      const done = await untilDone(context, input.zone, started, input);
      const instance = await find(client, input.zone, input.name);
      return {
        name: input.name,
        zone: input.zone,
        ...(instance ? { status: String(instance.status) } : {}),
        operation: viewOperation(done, input.zone),
      };
    },
  }),
  deleteInstance: operation({
    description:
      'Delete an instance (and its auto-delete boot disk), by default waiting (heartbeating) until done; the ' +
      'compensation of createInstance. An instance that is not there counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ zone: zoneName, name: instanceName, wait: z.boolean().default(true), ...waitOptions }),
    output: z.object({
      name: z.string(),
      zone: z.string(),
      deleted: z.boolean(),
      operation: operationView.optional(),
    }),
    run: async (context, input) => {
      const { client } = context;
      let started: Operation;
      try {
        started = startedOperation(
          await client.instances.delete(
            { project: client.projectId, zone: input.zone, instance: input.name },
            callOptions,
          ),
        );
      } catch (error) {
        if (isNotFound(error)) return { name: input.name, zone: input.zone, deleted: false };
        throw error;
      }
      const done = input.wait ? await untilDone(context, input.zone, started, input) : started;
      return {
        name: input.name,
        zone: input.zone,
        deleted: true,
        operation: viewOperation(done, input.zone),
      };
    },
  }),
};
