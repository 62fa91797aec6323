import { randomBytes } from 'node:crypto';
import type { ContractResponse } from '../../test/contract/contract-server.js';
import {
  googleError,
  type DiscoveryHandler,
  type DiscoveryRequest,
} from '../../test/contract/discovery-contract-server.js';

/** An instance as the fake keeps it: Compute's own representation. */
export type FakeInstance = Record<string, unknown> & {
  name: string;
  zone: string;
  status: string;
  labels: Record<string, string>;
};

/** A zonal operation: RUNNING for `pollsLeft` more polls (get or wait), then DONE. */
interface FakeOperation {
  body: Record<string, unknown>;
  pollsLeft: number;
  /** Applies the operation's effect; returns the fields of a failed operation (error, httpErrorStatusCode). */
  finish(): Record<string, unknown> | void;
}

/** A small stateful Compute Engine: instances of one project and zonal operations that take a few polls. */
export interface ComputeFake {
  projectId: string;
  /** Polls (get or wait) an operation started from now on stays RUNNING for. */
  pollsToFinish: number;
  /** Machine types the zones have no capacity for: their inserts fail as Compute's do, in the operation. */
  outOfCapacity: Set<string>;
  /** By `zone/name`. */
  instances: Map<string, FakeInstance>;
  /** Operations started, by name, with how often they were polled. */
  operations: Map<string, FakeOperation & { polls: number }>;
  handlers: Record<string, DiscoveryHandler>;
}

const api = 'https://www.googleapis.com/compute/v1';
/** A resource id as Compute gives them: an unsigned 64-bit number, sent as a decimal string. */
const uint64 = () => BigInt(`0x${randomBytes(8).toString('hex')}`).toString();

/** A fresh Compute Engine fake for one project, with the Discovery server's handlers. */
export function createComputeFake(options: { projectId: string; pollsToFinish?: number }): ComputeFake {
  const { projectId } = options;
  const instances = new Map<string, FakeInstance>();
  const operations = new Map<string, FakeOperation & { polls: number }>();
  const byRequestId = new Map<string, string>();
  let address = 2;

  const zoneUrl = (zone: string) => `${api}/projects/${projectId}/zones/${zone}`;
  const notFound = (what: string) =>
    googleError(404, `The resource '${what}' was not found`, { reason: 'notFound' });
  const param = (request: DiscoveryRequest, name: string) => String(request.params[name] ?? '');

  /** Rejects another project's requests as Compute does: that project is not found for these credentials. */
  const wrongProject = (request: DiscoveryRequest) =>
    param(request, 'project') === projectId ? undefined : notFound(`projects/${param(request, 'project')}`);

  const start = (
    request: DiscoveryRequest,
    operationType: string,
    target: FakeInstance,
    finish: FakeOperation['finish'],
  ): ContractResponse => {
    const zone = param(request, 'zone');
    const name = `operation-${Date.now()}-${randomBytes(6).toString('hex')}`;
    const now = new Date().toISOString();
    const body: Record<string, unknown> = {
      kind: 'compute#operation',
      id: uint64(),
      name,
      zone: zoneUrl(zone),
      operationType,
      targetLink: `${zoneUrl(zone)}/instances/${target.name}`,
      targetId: String(target.id),
      status: 'RUNNING',
      user: 'somagent-test@developer.gserviceaccount.com',
      progress: 0,
      insertTime: now,
      startTime: now,
      selfLink: `${zoneUrl(zone)}/operations/${name}`,
      ...(typeof request.params.requestId === 'string'
        ? { clientOperationId: request.params.requestId }
        : {}),
    };
    operations.set(name, { body, pollsLeft: fake.pollsToFinish, finish, polls: 0 });
    return { status: 200, body };
  };
  const poll = (request: DiscoveryRequest): ContractResponse => {
    const missing = wrongProject(request);
    if (missing) return missing;
    const operation = operations.get(param(request, 'operation'));
    if (!operation || operation.body.zone !== zoneUrl(param(request, 'zone'))) {
      return notFound(
        `projects/${projectId}/zones/${param(request, 'zone')}/operations/${param(request, 'operation')}`,
      );
    }
    operation.polls++;
    if (operation.body.status !== 'DONE' && operation.pollsLeft-- <= 0) {
      const failed = operation.finish();
      Object.assign(
        operation.body,
        { status: 'DONE', progress: 100, endTime: new Date().toISOString() },
        failed ?? {},
      );
    }
    return { status: 200, body: operation.body };
  };
  const instanceOf = (request: DiscoveryRequest) =>
    instances.get(`${param(request, 'zone')}/${param(request, 'instance')}`);
  const missingInstance = (request: DiscoveryRequest) =>
    notFound(`projects/${projectId}/zones/${param(request, 'zone')}/instances/${param(request, 'instance')}`);

  const handlers: Record<string, DiscoveryHandler> = {
    'compute.instances.insert': (request) => {
      const missing = wrongProject(request);
      if (missing) return missing;
      const requestId = typeof request.params.requestId === 'string' ? request.params.requestId : undefined;
      const repeated = requestId ? operations.get(byRequestId.get(requestId) ?? '') : undefined;
      // Compute ignores a request whose requestId it has seen, and answers with the first one's operation.
      if (repeated) return { status: 200, body: repeated.body };
      const zone = param(request, 'zone');
      const body = request.body as Record<string, unknown> & {
        name: string;
        labels?: Record<string, string>;
      };
      const problem = instanceProblem(body, zone);
      if (problem) return googleError(400, problem, { reason: 'invalid' });
      if (instances.has(`${zone}/${body.name}`)) {
        return googleError(
          409,
          `The resource 'projects/${projectId}/zones/${zone}/instances/${body.name}' already exists`,
          { reason: 'alreadyExists' },
        );
      }
      const instance = materialize(body, zone, address++);
      instances.set(`${zone}/${instance.name}`, instance);
      const machineType = String(body.machineType).split('/').pop() ?? '';
      const started = start(request, 'insert', instance, () => {
        if (!fake.outOfCapacity.has(machineType)) {
          instance.status = 'RUNNING';
          instance.lastStartTimestamp = new Date().toISOString();
          return;
        }
        instances.delete(`${zone}/${instance.name}`);
        const message = `The zone 'projects/${projectId}/zones/${zone}' does not have enough resources available to fulfill the request.`;
        return {
          httpErrorStatusCode: 503,
          httpErrorMessage: 'SERVICE UNAVAILABLE',
          error: { errors: [{ code: 'ZONE_RESOURCE_POOL_EXHAUSTED', message }] },
        };
      });
      if (requestId) byRequestId.set(requestId, String((started.body as { name: string }).name));
      return started;
    },
    'compute.instances.get': (request) => {
      const instance = wrongProject(request) ? undefined : instanceOf(request);
      return instance ? { status: 200, body: instance } : missingInstance(request);
    },
    'compute.instances.list': (request) => {
      const missing = wrongProject(request);
      if (missing) return missing;
      const zone = param(request, 'zone');
      const filter = typeof request.params.filter === 'string' ? request.params.filter : '';
      const wanted = labelFilter(filter);
      if (!wanted)
        return googleError(
          400,
          `Invalid value for field 'filter': '${filter}'. Invalid list filter expression.`,
          { reason: 'invalid' },
        );
      const matching = [...instances.values()].filter(
        (instance) =>
          instance.zone === zoneUrl(zone) &&
          Object.entries(wanted).every(([key, value]) => instance.labels[key] === value),
      );
      const offset = Number(request.params.pageToken ?? 0) || 0;
      const size = typeof request.params.maxResults === 'number' ? request.params.maxResults : 500;
      const page = matching.slice(offset, offset + size);
      return {
        status: 200,
        body: {
          kind: 'compute#instanceList',
          id: `projects/${projectId}/zones/${zone}/instances`,
          items: page,
          selfLink: `${zoneUrl(zone)}/instances`,
          ...(offset + size < matching.length ? { nextPageToken: String(offset + size) } : {}),
        },
      };
    },
    'compute.instances.aggregatedList': (request) => {
      const missing = wrongProject(request);
      if (missing) return missing;
      const items: Record<string, { instances: FakeInstance[] }> = {};
      for (const instance of instances.values()) {
        const scope = `zones/${instance.zone.split('/').pop() ?? ''}`;
        (items[scope] ??= { instances: [] }).instances.push(instance);
      }
      return {
        status: 200,
        body: {
          kind: 'compute#instanceAggregatedList',
          id: `projects/${projectId}/aggregated/instances`,
          items,
          selfLink: `${api}/projects/${projectId}/aggregated/instances`,
        },
      };
    },
    'compute.instances.stop': (request) => {
      const instance = wrongProject(request) ? undefined : instanceOf(request);
      if (!instance) return missingInstance(request);
      instance.status = 'STOPPING';
      return start(request, 'stop', instance, () => {
        instance.status = 'TERMINATED';
        instance.lastStopTimestamp = new Date().toISOString();
      });
    },
    'compute.instances.delete': (request) => {
      const instance = wrongProject(request) ? undefined : instanceOf(request);
      if (!instance) return missingInstance(request);
      instance.status = 'STOPPING';
      return start(request, 'delete', instance, () => {
        instances.delete(`${param(request, 'zone')}/${instance.name}`);
      });
    },
    'compute.zoneOperations.get': poll,
    'compute.zoneOperations.wait': poll,
  };

  /** The instance Compute keeps for an insert: the request plus what the server sets. */
  function materialize(
    body: Record<string, unknown> & { name: string; labels?: Record<string, string> },
    zone: string,
    host: number,
  ): FakeInstance {
    const now = new Date().toISOString();
    const nics = (body.networkInterfaces as Record<string, unknown>[]).map((nic, i) => ({
      ...nic,
      kind: 'compute#networkInterface',
      name: `nic${i}`,
      network: String(nic.network).startsWith('https://')
        ? nic.network
        : `${api}/projects/${projectId}/${String(nic.network)}`,
      networkIP: `10.128.0.${host}`,
      fingerprint: randomBytes(8).toString('base64'),
      ...(Array.isArray(nic.accessConfigs)
        ? {
            accessConfigs: (nic.accessConfigs as Record<string, unknown>[]).map((config) => ({
              ...config,
              kind: 'compute#accessConfig',
              natIP: `203.0.113.${host}`,
            })),
          }
        : {}),
    }));
    const disks = (body.disks as Record<string, unknown>[]).map((disk, i) => ({
      kind: 'compute#attachedDisk',
      type: 'PERSISTENT',
      mode: 'READ_WRITE',
      source: `${zoneUrl(zone)}/disks/${body.name}${i === 0 ? '' : `-${i}`}`,
      deviceName: `persistent-disk-${i}`,
      index: i,
      boot: disk.boot === true,
      autoDelete: disk.autoDelete === true,
      interface: 'SCSI',
      diskSizeGb: String((disk.initializeParams as { diskSizeGb?: string } | undefined)?.diskSizeGb ?? '10'),
    }));
    return {
      kind: 'compute#instance',
      id: uint64(),
      creationTimestamp: now,
      name: body.name,
      machineType: `${zoneUrl(zone)}/machineTypes/${String(body.machineType).split('/').pop() ?? ''}`,
      status: 'PROVISIONING',
      zone: zoneUrl(zone),
      networkInterfaces: nics,
      disks,
      labels: body.labels ?? {},
      labelFingerprint: randomBytes(8).toString('base64'),
      fingerprint: randomBytes(8).toString('base64'),
      selfLink: `${zoneUrl(zone)}/instances/${body.name}`,
      scheduling: { onHostMaintenance: 'MIGRATE', automaticRestart: true, preemptible: false },
      cpuPlatform: 'Intel Broadwell',
      deletionProtection: false,
    };
  }

  const fake: ComputeFake = {
    projectId,
    pollsToFinish: options.pollsToFinish ?? 2,
    outOfCapacity: new Set(),
    instances,
    operations,
    handlers,
  };
  return fake;
}

/** What Compute answers 400 for that the Discovery document cannot say. */
function instanceProblem(body: Record<string, unknown>, zone: string): string | undefined {
  const machineType = typeof body.machineType === 'string' ? body.machineType : '';
  if (!new RegExp(`(^|/)zones/${zone}/machineTypes/[a-z0-9-]+$`).test(machineType)) {
    return `Invalid value for field 'resource.machineType': '${machineType}'. Machine type must be zones/${zone}/machineTypes/<type>.`;
  }
  const disks = Array.isArray(body.disks)
    ? (body.disks as { boot?: boolean; initializeParams?: { sourceImage?: string }; source?: string }[])
    : [];
  const boot = disks.filter((disk) => disk.boot);
  if (boot.length !== 1)
    return "Invalid value for field 'resource.disks': exactly one boot disk is required.";
  if (!boot[0]?.initializeParams?.sourceImage && !boot[0]?.source)
    return "Invalid value for field 'resource.disks[0]': a boot disk needs a source image or disk.";
  if (!Array.isArray(body.networkInterfaces) || body.networkInterfaces.length === 0) {
    return "Invalid value for field 'resource.networkInterfaces': at least one network interface is required.";
  }
  return undefined;
}

/** `(labels.a = "b") (labels.c = "d")`, or one of them without parentheses; undefined: not that shape. */
function labelFilter(filter: string): Record<string, string> | undefined {
  const wanted: Record<string, string> = {};
  if (!filter.trim()) return wanted;
  const expression = /\(?\s*labels\.([a-z][a-z0-9_-]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*\)?/y;
  let rest = filter.trim();
  while (rest) {
    expression.lastIndex = 0;
    const match = expression.exec(rest);
    if (!match) return undefined;
    wanted[match[1] ?? ''] = (match[2] ?? '').replace(/\\(.)/g, '$1');
    rest = rest.slice(match[0].length).trim();
  }
  return wanted;
}
