import { defineAdapter } from '../core/define-adapter.js';
import { connectFigma, figma, figmaCredentials } from './client.js';
import { commentOperations } from './comments.js';
import { fileOperations } from './files.js';
import { imageOperations } from './images.js';
import { libraryOperations } from './library.js';

/**
 * Figma's REST API over the shared transport: file and node summaries, rendered images kept as
 * artifacts, comments, and a library's published components and styles.
 */
export const figmaAdapter = defineAdapter({
  id: 'figma',
  title: 'Figma',
  credentials: {
    schema: figmaCredentials,
    env: { token: 'FIGMA_TOKEN', baseUrl: 'FIGMA_API_URL' },
    secret: ['token'],
  },
  // Figma's limits are per minute and depend on the plan and the endpoint's tier; this only
  // smooths bursts. Its 429s carry Retry-After, which pauses every worker on that token.
  rateLimit: { perSecond: 2, burst: 30 },
  connect: (credentials, { fetch }) => connectFigma(credentials, fetch),
  testConnection: async (client) => {
    await figma(client, 'GET', '/v1/me');
  },
  operations: { ...fileOperations, ...imageOperations, ...commentOperations, ...libraryOperations },
});
