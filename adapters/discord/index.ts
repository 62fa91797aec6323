import { defineAdapter } from '../core/define-adapter.js';
import { channelOperations } from './channels.js';
import { connectDiscord, discordCredentials } from './client.js';
import { messageOperations } from './messages.js';

/**
 * Discord's REST API v10 as a bot (`Authorization: Bot <token>`), in plain HTTP over the shared
 * transport. Tested against a contract server on Discord's published OpenAPI document.
 */
export const discordAdapter = defineAdapter({
  id: 'discord',
  title: 'Discord',
  credentials: {
    schema: discordCredentials,
    env: { token: 'DISCORD_BOT_TOKEN', baseUrl: 'DISCORD_API_URL' },
    secret: ['token'],
  },
  // Discord's global limit is 50 requests per second per bot; route buckets are tighter and answer 429.
  rateLimit: { perSecond: 40, burst: 50 },
  connect: (credentials, { fetch }) => connectDiscord(credentials, fetch),
  testConnection: async (client) => {
    await client.request({ method: 'GET', path: '/users/@me' });
  },
  operations: { ...messageOperations, ...channelOperations },
});
