import { defineAdapter } from '../core/define-adapter.js';
import { PlaneClient, planeCredentials } from './client.js';
import { cycleOperations } from './cycles.js';
import { labelOperations } from './labels.js';
import { projectOperations } from './projects.js';
import { stateOperations } from './states.js';
import { workItemOperations } from './work-items.js';

/**
 * Plane (Cloud or self-hosted) over its REST API v1 with a workspace API key, in plain HTTP over
 * the shared transport. Plane's v1 API calls work items "issues"; the operations use today's name.
 */
export const planeAdapter = defineAdapter({
  id: 'plane',
  title: 'Plane',
  credentials: {
    schema: planeCredentials,
    env: { baseUrl: 'PLANE_BASE_URL', apiKey: 'PLANE_API_KEY', workspaceSlug: 'PLANE_WORKSPACE_SLUG' },
    secret: ['apiKey'],
  },
  // Plane Cloud allows 60 requests a minute per API key; its 429s carry Retry-After.
  rateLimit: { perSecond: 1, burst: 60 },
  connect: (credentials, { fetch }) => new PlaneClient(credentials, fetch),
  testConnection: async (client) => {
    await client.request('GET', '/projects/', { query: { per_page: 1 } });
  },
  operations: {
    ...projectOperations,
    ...stateOperations,
    ...labelOperations,
    ...cycleOperations,
    ...workItemOperations,
  },
});
