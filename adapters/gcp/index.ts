import { defineAdapter } from '../core/define-adapter.js';
import { callOptions, classifyGcpError, connectGcp, gcpCredentials } from './client.js';
import { instanceOperations } from './instances.js';
import { zoneOperationOperations } from './zone-operations.js';

/** Google Compute Engine through the official @google-cloud/compute, over its REST transport. */
export const gcpAdapter = defineAdapter({
  id: 'gcp',
  title: 'Google Compute Engine',
  credentials: {
    schema: gcpCredentials,
    env: {
      projectId: 'GCP_PROJECT_ID',
      credentials: 'GOOGLE_APPLICATION_CREDENTIALS_JSON',
      accessToken: 'GCP_ACCESS_TOKEN',
      apiEndpoint: 'GCP_COMPUTE_ENDPOINT',
    },
    secret: ['credentials', 'accessToken'],
  },
  // Compute Engine meters API requests per project and minute; stay well under the default quotas.
  rateLimit: { perSecond: 10, burst: 20 },
  connect: (credentials) => connectGcp(credentials),
  testConnection: async (client) => {
    const pages = client.instances.aggregatedListAsync(
      { project: client.projectId, maxResults: 1 },
      { ...callOptions, autoPaginate: false },
    );
    for await (const _zone of pages) break;
  },
  classifyError: classifyGcpError,
  disconnect: async (client) => {
    await Promise.all([client.instances.close(), client.operations.close()]);
  },
  operations: { ...instanceOperations, ...zoneOperationOperations },
});
