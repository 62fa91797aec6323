import type { VirtualMachine } from '@azure/arm-compute';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { AzureClients } from './client.js';
import { pollInterval, untilDone } from './long-running.js';
import { isNotFound, pollSeconds, resourceGroupName, tags } from './schemas.js';

const operation = defineOperation<AzureClients>();

const vmName = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-zA-Z0-9]([-a-zA-Z0-9.]*[a-zA-Z0-9])?$/,
    'letters, digits, - and ., starting and ending with a letter or digit',
  );
const vmRef = z.object({ resourceGroup: resourceGroupName, name: vmName });

const vmView = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  vmSize: z.string().optional(),
  vmId: z.string().optional(),
  provisioningState: z.string().optional(),
  /** From the instance view: running, stopped, deallocated, ... (getVm only). */
  powerState: z.string().optional(),
  tags: z.record(z.string(), z.string()),
});

function view(vm: VirtualMachine): z.input<typeof vmView> {
  const power = vm.instanceView?.statuses?.find((status) => status.code?.startsWith('PowerState/'))?.code;
  return {
    id: vm.id ?? '',
    name: vm.name ?? '',
    location: vm.location,
    ...(vm.hardwareProfile?.vmSize ? { vmSize: vm.hardwareProfile.vmSize } : {}),
    ...(vm.vmId ? { vmId: vm.vmId } : {}),
    ...(vm.provisioningState ? { provisioningState: vm.provisioningState } : {}),
    ...(power ? { powerState: power.slice('PowerState/'.length) } : {}),
    tags: vm.tags ?? {},
  };
}

async function findVm(
  client: AzureClients,
  input: { resourceGroup: string; name: string },
  instanceView = false,
) {
  try {
    return await client.compute.virtualMachines.get(
      input.resourceGroup,
      input.name,
      instanceView ? { expand: 'instanceView' } : {},
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Virtual machines: create, read, deallocate, delete (the writes are long-running). */
export const virtualMachineOperations = {
  createVm: operation({
    description:
      'Create a Linux VM from a marketplace image on an existing network interface, with SSH key login only, ' +
      'and wait (heartbeating) until it is provisioned. Its OS disk is deleted with it.',
    kind: 'write',
    idempotent: true,
    input: vmRef.extend({
      location: z.string().min(1),
      vmSize: z.string().min(1).default('Standard_B1s'),
      image: z
        .object({
          publisher: z.string().min(1),
          offer: z.string().min(1),
          sku: z.string().min(1),
          version: z.string().min(1).default('latest'),
        })
        .default({
          publisher: 'Canonical',
          offer: '0001-com-ubuntu-server-jammy',
          sku: '22_04-lts-gen2',
          version: 'latest',
        }),
      osDiskType: z.enum(['Standard_LRS', 'StandardSSD_LRS', 'Premium_LRS']).default('Standard_LRS'),
      adminUsername: z.string().min(1).max(64),
      sshPublicKey: z
        .string()
        .regex(/^(ssh-(rsa|ed25519)|ecdsa-sha2-\S+) \S+/, 'an OpenSSH public key (ssh-rsa AAAA...)'),
      /**
       * The VM's NIC (Microsoft.Network), made beforehand: creating one needs a virtual network,
       * which belongs to the Network resource provider this adapter does not cover.
       */
      networkInterfaceId: z
        .string()
        .regex(
          /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/networkInterfaces\/[^/]+$/i,
          'a network interface resource id',
        ),
      tags,
      pollSeconds,
    }),
    output: vmView,
    compensate: {
      operation: 'deleteVm',
      input: (input) => ({ resourceGroup: input.resourceGroup, name: input.name }),
    },
    recover: async ({ client }, input) => {
      const vm = await findVm(client, input);
      return vm ? view(vm) : undefined;
    },
    run: async (context, input) => {
      const poller = context.client.compute.virtualMachines.createOrUpdate(
        input.resourceGroup,
        input.name,
        {
          location: input.location,
          tags: input.tags,
          hardwareProfile: { vmSize: input.vmSize },
          storageProfile: {
            imageReference: input.image,
            osDisk: {
              createOption: 'FromImage',
              managedDisk: { storageAccountType: input.osDiskType },
              deleteOption: 'Delete',
            },
          },
          osProfile: {
            computerName: input.name,
            adminUsername: input.adminUsername,
            linuxConfiguration: {
              disablePasswordAuthentication: true,
              ssh: {
                publicKeys: [
                  { path: `/home/${input.adminUsername}/.ssh/authorized_keys`, keyData: input.sshPublicKey },
                ],
              },
            },
          },
          networkProfile: { networkInterfaces: [{ id: input.networkInterfaceId, primary: true }] },
        },
        pollInterval(input),
      );
      return view(await untilDone(context, `create VM ${input.name}`, poller));
    },
  }),
  getVm: operation({
    description: 'Read a VM with its power state (from the instance view).',
    kind: 'read',
    idempotent: true,
    input: vmRef,
    output: vmView,
    run: async ({ client }, input) =>
      view(
        await client.compute.virtualMachines.get(input.resourceGroup, input.name, { expand: 'instanceView' }),
      ),
  }),
  deallocateVm: operation({
    description:
      'Stop a VM and release its compute (no more compute charges), waiting (heartbeating) until done.',
    kind: 'write',
    idempotent: true,
    input: vmRef.extend({ pollSeconds }),
    output: z.object({ resourceGroup: z.string(), name: z.string(), powerState: z.string().optional() }),
    run: async (context, input) => {
      const poller = context.client.compute.virtualMachines.deallocate(
        input.resourceGroup,
        input.name,
        pollInterval(input),
      );
      await untilDone(context, `deallocate VM ${input.name}`, poller);
      const vm = await findVm(context.client, input, true);
      const power = vm ? view(vm).powerState : undefined;
      return {
        resourceGroup: input.resourceGroup,
        name: input.name,
        ...(power ? { powerState: power } : {}),
      };
    },
  }),
  deleteVm: operation({
    description:
      'Delete a VM (and its OS disk), waiting (heartbeating) until it is gone; the compensation of createVm. ' +
      'A VM that is not there counts as deleted (ARM answers 204).',
    kind: 'destroy',
    idempotent: true,
    input: vmRef.extend({ pollSeconds }),
    output: z.object({ resourceGroup: z.string(), name: z.string(), deleted: z.literal(true) }),
    run: async (context, input) => {
      const poller = context.client.compute.virtualMachines.delete(
        input.resourceGroup,
        input.name,
        pollInterval(input),
      );
      await untilDone(context, `delete VM ${input.name}`, poller);
      return { resourceGroup: input.resourceGroup, name: input.name, deleted: true as const };
    },
  }),
};
