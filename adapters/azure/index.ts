import { defineAdapter } from '../core/define-adapter.js';
import { blobOperations } from './blobs.js';
import { azureCredentials, classifyAzureError, connectAzure } from './client.js';
import { resourceGroupOperations } from './resource-groups.js';
import { storageAccountOperations } from './storage-accounts.js';
import { virtualMachineOperations } from './virtual-machines.js';

/**
 * Azure Resource Manager through the official SDKs (@azure/arm-resources, arm-compute, arm-storage)
 * with a service principal (@azure/identity), and Blob Storage (@azure/storage-blob).
 */
export const azureAdapter = defineAdapter({
  id: 'azure',
  title: 'Microsoft Azure',
  credentials: {
    schema: azureCredentials,
    env: {
      tenantId: 'AZURE_TENANT_ID',
      clientId: 'AZURE_CLIENT_ID',
      clientSecret: 'AZURE_CLIENT_SECRET',
      subscriptionId: 'AZURE_SUBSCRIPTION_ID',
      endpoint: 'AZURE_RESOURCE_MANAGER_URL',
      authorityHost: 'AZURE_AUTHORITY_HOST',
      caCertificate: 'AZURE_CA_CERTIFICATE',
      storageConnectionString: 'AZURE_STORAGE_CONNECTION_STRING',
    },
    secret: ['clientSecret', 'storageConnectionString'],
  },
  // Resource Manager throttles each principal per subscription (classically 12,000 reads and 1,200
  // writes an hour); polls of long-running operations come on top, so calls stay well below that.
  rateLimit: { perSecond: 5, burst: 20 },
  connect: (credentials) => connectAzure(credentials),
  testConnection: async (client) => {
    for await (const _group of client.resources.resourceGroups.list({ top: 1 })) break;
  },
  classifyError: classifyAzureError,
  operations: {
    ...resourceGroupOperations,
    ...virtualMachineOperations,
    ...storageAccountOperations,
    ...blobOperations,
  },
});
