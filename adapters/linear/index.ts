import { defineAdapter } from '../core/define-adapter.js';
import { connectLinear, gql, linearCredentials } from './client.js';
import { commentOperations } from './comments.js';
import { issueOperations } from './issues.js';
import { projectOperations } from './projects.js';
import { teamOperations } from './teams.js';

/**
 * Linear (GraphQL API) through the official @linear/sdk client, with small documents of our own
 * that its GraphQL client sends. Entities SomaGent creates get ids derived from the idempotency
 * key, so a retry finds them by id.
 */
export const linearAdapter = defineAdapter({
  id: 'linear',
  title: 'Linear',
  credentials: {
    schema: linearCredentials,
    env: { apiKey: 'LINEAR_API_KEY', apiUrl: 'LINEAR_API_URL' },
    secret: ['apiKey'],
  },
  // Linear allows 5,000 requests an hour per key (about 1.4 a second, refilled continuously) and
  // meters query complexity too; its RATELIMITED answers pause every worker until the reset.
  rateLimit: { perSecond: 1.5, burst: 100 },
  connect: (credentials) => connectLinear(credentials),
  testConnection: async (client) => {
    await gql(client, 'query SomagentViewer { viewer { id } }');
  },
  operations: { ...teamOperations, ...projectOperations, ...issueOperations, ...commentOperations },
});
