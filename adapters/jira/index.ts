import { defineAdapter } from '../core/define-adapter.js';
import { jira, jiraCredentials, connectJira } from './client.js';
import { commentOperations } from './comments.js';
import { issueOperations } from './issues.js';
import { searchOperations } from './search.js';
import { transitionOperations } from './transitions.js';

/**
 * Jira Cloud (REST API v3) through jira.js's Version3Client, whose axios requests go through the
 * shared transport. Rich text is Atlassian Document Format; plain text is converted.
 */
export const jiraAdapter = defineAdapter({
  id: 'jira',
  title: 'Jira Cloud',
  credentials: {
    schema: jiraCredentials,
    env: { baseUrl: 'JIRA_BASE_URL', email: 'JIRA_EMAIL', apiToken: 'JIRA_API_TOKEN' },
    secret: ['apiToken'],
  },
  // Atlassian meters cost per time window rather than publishing a fixed rate; 429s with
  // Retry-After pause every worker when this is too much for a site.
  rateLimit: { perSecond: 10, burst: 20 },
  connect: (credentials, { fetch }) => connectJira(credentials, fetch),
  testConnection: async (client) => {
    await jira(() => client.api.myself.getCurrentUser());
  },
  operations: { ...issueOperations, ...transitionOperations, ...commentOperations, ...searchOperations },
});
