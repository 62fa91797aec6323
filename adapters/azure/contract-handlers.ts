import { randomUUID } from 'node:crypto';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';

/** A resource group as the fake keeps it. */
export interface FakeResourceGroup {
  name: string;
  location: string;
  tags: Record<string, string>;
  provisioningState: 'Succeeded' | 'Deleting';
}

/** A virtual machine as the fake keeps it: the PUT body's properties plus what ARM adds. */
export interface FakeVm {
  resourceGroup: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  vmId: string;
  properties: Record<string, unknown>;
  provisioningState: 'Creating' | 'Updating' | 'Succeeded' | 'Deleting';
  powerState: 'starting' | 'running' | 'deallocating' | 'deallocated';
}

/** A long-running operation: answers "in progress" to `polls` status requests, then finishes. */
interface FakeOperation {
  id: string;
  startTime: string;
  endTime?: string;
  pollsLeft: number;
  finish(): void;
}

/** A small stateful Resource Manager: resource groups and VMs, with LROs that take a few polls. */
export interface ArmFake {
  subscriptionId: string;
  /** How many status polls an operation started from now on answers "in progress" to. */
  pollsToFinish: number;
  resourceGroups: Map<string, FakeResourceGroup>;
  vms: Map<string, FakeVm>;
  /** Handlers by operationId for Microsoft.Resources 2021-04-01. */
  resourcesHandlers: Record<string, ContractHandler>;
  /** Handlers by operationId for Microsoft.Compute 2021-11-01. */
  computeHandlers: Record<string, ContractHandler>;
  /**
   * Answers the status URLs the handlers handed out (Azure-AsyncOperation and Location). They are
   * part of ARM's asynchronous-operation protocol, not of the RPs' specs; undefined: not one of them.
   */
  operationStatus(path: string): ContractResponse | undefined;
}

const key = (...parts: string[]) => parts.join('/').toLowerCase();
const error = (status: number, code: string, message: string): ContractResponse => ({
  status,
  body: { error: { code, message } },
});
/** Status URLs are absolute, on the host the client called, as ARM's are. */
const origin = (request: ContractRequest) => `https://${request.headers.host ?? 'management.azure.com'}`;

/** A fresh Resource Manager fake for one subscription, with handlers for both specs. */
export function createArmFake(options: { subscriptionId: string; pollsToFinish?: number }): ArmFake {
  const { subscriptionId } = options;
  const resourceGroups = new Map<string, FakeResourceGroup>();
  const vms = new Map<string, FakeVm>();
  const operations = new Map<string, FakeOperation>();

  const start = (finish: () => void): FakeOperation => {
    const operation = {
      id: randomUUID(),
      startTime: new Date().toISOString(),
      pollsLeft: fake.pollsToFinish,
      finish,
    };
    operations.set(operation.id, operation);
    return operation;
  };
  /** Advances an operation by one poll; true once it has finished. */
  const poll = (operation: FakeOperation): boolean => {
    if (operation.endTime) return true;
    if (operation.pollsLeft-- > 0) return false;
    operation.finish();
    operation.endTime = new Date().toISOString();
    return true;
  };
  const asyncOperationHeader = (request: ContractRequest, location: string, operation: FakeOperation) => ({
    'Azure-AsyncOperation': `${origin(request)}/subscriptions/${subscriptionId}/providers/Microsoft.Compute/locations/${location}/operations/${operation.id}?api-version=2021-11-01`,
  });

  const groupBody = (group: FakeResourceGroup) => ({
    id: `/subscriptions/${subscriptionId}/resourceGroups/${group.name}`,
    name: group.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: group.location,
    tags: group.tags,
    properties: { provisioningState: group.provisioningState },
  });
  const vmBody = (vm: FakeVm, instanceView: boolean) => ({
    id: `/subscriptions/${subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}`,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: vm.tags,
    properties: {
      ...vm.properties,
      vmId: vm.vmId,
      provisioningState: vm.provisioningState,
      ...(instanceView
        ? {
            instanceView: {
              computerName: vm.name,
              statuses: [
                {
                  code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`,
                  level: 'Info',
                  displayStatus: `Provisioning ${vm.provisioningState.toLowerCase()}`,
                },
                { code: `PowerState/${vm.powerState}`, level: 'Info', displayStatus: `VM ${vm.powerState}` },
              ],
            },
          }
        : {}),
    },
  });
  const groupOf = (request: ContractRequest) =>
    resourceGroups.get(key(String(request.params.resourceGroupName)));
  const vmOf = (request: ContractRequest) =>
    vms.get(key(String(request.params.resourceGroupName), String(request.params.vmName)));
  const missingGroup = (request: ContractRequest) =>
    error(
      404,
      'ResourceGroupNotFound',
      `Resource group '${String(request.params.resourceGroupName)}' could not be found.`,
    );

  const resourcesHandlers: Record<string, ContractHandler> = {
    ResourceGroups_List: (request) => {
      const filter = typeof request.query.$filter === 'string' ? request.query.$filter : undefined;
      const match = filter
        ? /^tagName eq '((?:[^']|'')*)'(?: and tagValue eq '((?:[^']|'')*)')?$/.exec(filter)
        : null;
      if (filter && !match)
        return error(400, 'InvalidFilterInQueryString', `The filter '${filter}' is not supported.`);
      const unquote = (text: string | undefined) => text?.replace(/''/g, "'");
      const [tagName, tagValue] = [unquote(match?.[1]), unquote(match?.[2])];
      const top = typeof request.query.$top === 'number' ? request.query.$top : undefined;
      const value = [...resourceGroups.values()]
        .filter(
          (group) =>
            tagName === undefined ||
            (tagName in group.tags && (tagValue === undefined || group.tags[tagName] === tagValue)),
        )
        .slice(0, top)
        .map(groupBody);
      return { status: 200, body: { value } };
    },
    ResourceGroups_Get: (request) => {
      const group = groupOf(request);
      return group ? { status: 200, body: groupBody(group) } : missingGroup(request);
    },
    ResourceGroups_CreateOrUpdate: (request) => {
      const body = request.body as { location: string; tags?: Record<string, string> };
      const name = String(request.params.resourceGroupName);
      const existing = resourceGroups.get(key(name));
      if (existing?.provisioningState === 'Deleting') {
        return error(
          409,
          'ResourceGroupBeingDeleted',
          `The resource group '${name}' is in deprovisioning state.`,
        );
      }
      if (existing && existing.location !== body.location) {
        return error(
          409,
          'InvalidResourceGroupLocation',
          `Resource group '${name}' already exists in location '${existing.location}'.`,
        );
      }
      const group: FakeResourceGroup = {
        name: existing?.name ?? name,
        location: body.location,
        tags: body.tags ?? {},
        provisioningState: 'Succeeded',
      };
      resourceGroups.set(key(name), group);
      return { status: existing ? 200 : 201, body: groupBody(group) };
    },
    ResourceGroups_Delete: (request) => {
      const group = groupOf(request);
      if (!group) return missingGroup(request);
      group.provisioningState = 'Deleting';
      const operation = start(() => {
        resourceGroups.delete(key(group.name));
        for (const [id, vm] of vms) if (key(vm.resourceGroup) === key(group.name)) vms.delete(id);
      });
      const location = `${origin(request)}/subscriptions/${subscriptionId}/operationresults/${operation.id}?api-version=2021-04-01`;
      return { status: 202, headers: { Location: location, 'Retry-After': '0' } };
    },
  };

  const computeHandlers: Record<string, ContractHandler> = {
    VirtualMachines_CreateOrUpdate: (request) => {
      const group = groupOf(request);
      if (!group) return missingGroup(request);
      const body = request.body as {
        location: string;
        tags?: Record<string, string>;
        properties?: Record<string, unknown>;
      };
      const properties = body.properties ?? {};
      const problem = vmProblem(properties);
      if (problem) return error(400, 'InvalidParameter', problem);
      const name = String(request.params.vmName);
      const existing = vmOf(request);
      if (existing && existing.provisioningState === 'Deleting') {
        return error(409, 'OperationNotAllowed', `VM '${name}' is being deleted.`);
      }
      const vm: FakeVm = {
        resourceGroup: group.name,
        name,
        location: body.location,
        tags: body.tags ?? {},
        vmId: existing?.vmId ?? randomUUID(),
        properties,
        provisioningState: existing ? 'Updating' : 'Creating',
        powerState: existing?.powerState ?? 'starting',
      };
      vms.set(key(group.name, name), vm);
      const operation = start(() => {
        vm.provisioningState = 'Succeeded';
        if (vm.powerState === 'starting') vm.powerState = 'running';
      });
      return {
        status: existing ? 200 : 201,
        body: vmBody(vm, false),
        headers: asyncOperationHeader(request, vm.location, operation),
      };
    },
    VirtualMachines_Get: (request) => {
      const vm = vmOf(request);
      if (!vm)
        return error(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Compute/virtualMachines/${String(request.params.vmName)}' was not found.`,
        );
      return { status: 200, body: vmBody(vm, request.query.$expand === 'instanceView') };
    },
    VirtualMachines_Deallocate: (request) => {
      const vm = vmOf(request);
      if (!vm)
        return error(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Compute/virtualMachines/${String(request.params.vmName)}' was not found.`,
        );
      vm.powerState = 'deallocating';
      const operation = start(() => {
        vm.powerState = 'deallocated';
      });
      return { status: 202, headers: asyncOperationHeader(request, vm.location, operation) };
    },
    VirtualMachines_Delete: (request) => {
      const vm = vmOf(request);
      if (!vm) return { status: 204 };
      vm.provisioningState = 'Deleting';
      const operation = start(() => {
        vms.delete(key(vm.resourceGroup, vm.name));
      });
      return { status: 202, headers: asyncOperationHeader(request, vm.location, operation) };
    },
  };

  const computeStatus =
    /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/[^/]+\/operations\/([^/]+)$/i;
  const resultStatus = /^\/subscriptions\/([^/]+)\/operationresults\/([^/]+)$/i;
  const fake: ArmFake = {
    subscriptionId,
    pollsToFinish: options.pollsToFinish ?? 2,
    resourceGroups,
    vms,
    resourcesHandlers,
    computeHandlers,
    operationStatus(path) {
      const match = computeStatus.exec(path) ?? resultStatus.exec(path);
      if (!match) return undefined;
      const operation = match[1] === subscriptionId ? operations.get(match[2] ?? '') : undefined;
      if (!operation) return error(404, 'OperationNotFound', `No operation ${match[2] ?? ''}.`);
      const done = poll(operation);
      if (resultStatus.test(path))
        return done ? { status: 200 } : { status: 202, headers: { 'Retry-After': '0' } };
      return {
        status: 200,
        body: {
          name: operation.id,
          status: done ? 'Succeeded' : 'InProgress',
          startTime: operation.startTime,
          ...(operation.endTime ? { endTime: operation.endTime } : {}),
        },
      };
    },
  };
  return fake;
}

/** What Compute answers 400 for that its spec cannot say: the parts a VM from an image needs. */
function vmProblem(properties: Record<string, unknown>): string | undefined {
  const p = properties as {
    hardwareProfile?: { vmSize?: string };
    storageProfile?: { imageReference?: unknown; osDisk?: { createOption?: string } };
    osProfile?: {
      adminUsername?: string;
      adminPassword?: string;
      linuxConfiguration?: { ssh?: { publicKeys?: unknown[] } };
    };
    networkProfile?: { networkInterfaces?: unknown[] };
  };
  if (!p.hardwareProfile?.vmSize) return 'Required parameter hardwareProfile.vmSize is missing.';
  if (!p.storageProfile?.imageReference)
    return 'Required parameter storageProfile.imageReference is missing.';
  if (p.storageProfile.osDisk?.createOption?.toLowerCase() !== 'fromimage')
    return 'osDisk.createOption must be FromImage.';
  if (!p.osProfile?.adminUsername) return 'Required parameter osProfile.adminUsername is missing.';
  if (!p.osProfile.adminPassword && !p.osProfile.linuxConfiguration?.ssh?.publicKeys?.length) {
    return 'Either adminPassword or an SSH public key is required.';
  }
  if (!p.networkProfile?.networkInterfaces?.length) return 'At least one network interface is required.';
  return undefined;
}
