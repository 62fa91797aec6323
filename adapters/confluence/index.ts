import { defineAdapter } from '../core/define-adapter.js';
import { attachmentOperations } from './attachments.js';
import { confluenceCredentials, connectConfluence } from './client.js';
import { labelOperations } from './labels.js';
import { pageOperations } from './pages.js';
import { searchOperations } from './search.js';

/**
 * Confluence Cloud: pages through REST v2 (tested against a contract server on Atlassian's v2
 * OpenAPI document); attachments, labels and CQL search through REST v1, which v2 lacks and for
 * which no schema is at hand, so those three are verified by the live test only.
 */
export const confluenceAdapter = defineAdapter({
  id: 'confluence',
  title: 'Confluence',
  credentials: {
    schema: confluenceCredentials,
    env: { baseUrl: 'CONFLUENCE_BASE_URL', email: 'CONFLUENCE_EMAIL', apiToken: 'CONFLUENCE_API_TOKEN' },
    secret: ['apiToken'],
  },
  // Atlassian meters by cost per hour rather than per second; this keeps bursts polite.
  rateLimit: { perSecond: 10, burst: 20 },
  connect: (credentials, { fetch }) => connectConfluence(credentials, fetch),
  testConnection: async (client) => {
    await client.v2('GET', '/spaces', { query: { limit: 1 } });
  },
  operations: { ...pageOperations, ...attachmentOperations, ...labelOperations, ...searchOperations },
});
