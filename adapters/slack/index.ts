import type { WebClient } from '@slack/web-api';
import { defineAdapter } from '../core/define-adapter.js';
import { channelOperations } from './channels.js';
import { classifySlackError, connectSlack, slackCall, slackCredentials } from './client.js';
import { fileOperations } from './files.js';
import { messageOperations } from './messages.js';

/**
 * Slack through the official Web API client (@slack/web-api).
 *
 * What Slack's published spec (../shared/specs/slack/web-api.openapi.json, Swagger 2.0, 2021)
 * covers: conversations.create, .list, .invite, .archive, chat.postMessage, .update, .delete,
 * files.delete and auth.test. It does not cover files.getUploadURLExternal and
 * files.completeUploadExternal (2023), which uploadFile needs because files.upload, the one upload
 * method it has, was retired in November 2025. Its read methods are declared GET only, while
 * Slack (and this client) take every method as a form POST. See contract-spec.ts for how the
 * tests bridge both gaps.
 */
export const slackAdapter = defineAdapter({
  id: 'slack',
  title: 'Slack',
  credentials: {
    schema: slackCredentials,
    env: { token: 'SLACK_BOT_TOKEN', baseUrl: 'SLACK_API_URL' },
    secret: ['token'],
  },
  // Slack limits each method per workspace (tier 3: 50+ calls a minute; chat.postMessage about one
  // a second per channel). One budget per token at about that pace, with a burst for a short saga,
  // keeps any mix of methods near their tiers; a 429 still pauses every worker (see client.ts).
  rateLimit: { perSecond: 1, burst: 5 },
  connect: (credentials, transport) => connectSlack(credentials, transport),
  testConnection: async (client: WebClient) => {
    await slackCall(client.auth.test());
  },
  classifyError: classifySlackError,
  operations: { ...channelOperations, ...messageOperations, ...fileOperations },
});
