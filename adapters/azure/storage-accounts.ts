import type { StorageAccount } from '@azure/arm-storage';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { AzureClients } from './client.js';
import { pollInterval, untilDone } from './long-running.js';
import { isNotFound, pollSeconds, resourceGroupName, tags } from './schemas.js';

const operation = defineOperation<AzureClients>();

const accountView = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  provisioningState: z.string().optional(),
  primaryBlobEndpoint: z.string().optional(),
  tags: z.record(z.string(), z.string()),
});

function view(account: StorageAccount): z.input<typeof accountView> {
  return {
    id: account.id ?? '',
    name: account.name ?? '',
    location: account.location,
    ...(account.provisioningState ? { provisioningState: account.provisioningState } : {}),
    ...(account.primaryEndpoints?.blob ? { primaryBlobEndpoint: account.primaryEndpoints.blob } : {}),
    tags: account.tags ?? {},
  };
}

/**
 * Storage accounts (Microsoft.Storage). Its spec is not among ../shared/specs, so this is verified
 * only live (azure.test.ts, AZURE_LIVE_LOCATION).
 */
export const storageAccountOperations = {
  createStorageAccount: operation({
    description:
      'Create a storage account (TLS 1.2, HTTPS only, no anonymous blob access) and wait (heartbeating) until ' +
      'it is provisioned. Names are global across Azure. It is removed with its resource group.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      resourceGroup: resourceGroupName,
      name: z.string().regex(/^[a-z0-9]{3,24}$/, '3 to 24 lower-case letters and digits'),
      location: z.string().min(1),
      sku: z
        .enum(['Standard_LRS', 'Standard_GRS', 'Standard_ZRS', 'Standard_RAGRS', 'Premium_LRS'])
        .default('Standard_LRS'),
      kind: z.enum(['StorageV2', 'BlobStorage', 'BlockBlobStorage']).default('StorageV2'),
      tags,
      pollSeconds,
    }),
    output: accountView,
    recover: async ({ client }, input) => {
      try {
        return view(await client.storage.storageAccounts.getProperties(input.resourceGroup, input.name));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    run: async (context, input) => {
      const poller = context.client.storage.storageAccounts.create(
        input.resourceGroup,
        input.name,
        {
          location: input.location,
          sku: { name: input.sku },
          kind: input.kind,
          tags: input.tags,
          minimumTlsVersion: 'TLS1_2',
          enableHttpsTrafficOnly: true,
          allowBlobPublicAccess: false,
        },
        pollInterval(input),
      );
      return view(await untilDone(context, `create storage account ${input.name}`, poller));
    },
  }),
};
