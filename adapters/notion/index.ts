import type { Client } from '@notionhq/client';
import { defineAdapter } from '../core/define-adapter.js';
import { classifyNotionError, connectNotion, notionCredentials } from './client.js';
import { databaseOperations } from './databases.js';
import { pageOperations } from './pages.js';

/**
 * Notion through the official client (@notionhq/client, API version 2025-09-03).
 *
 * Notion publishes no complete OpenAPI file; the one the tests use ships with Notion's MCP server
 * (@notionhq/notion-mcp-server, scripts/notion-openapi.json) and is a subset. It covers users/me,
 * pages (create, retrieve, update), block children (list, append), blocks (retrieve, delete),
 * databases (retrieve), data sources (retrieve, query). It does not cover creating a database
 * (POST /v1/databases, used by createDatabase), a data-source parent for a new page (used by
 * createPage/addRow only when given a dataSourceId), block types other than paragraph and
 * bulleted list item in an append, or any response body beyond "an object".
 */
export const notionAdapter = defineAdapter({
  id: 'notion',
  title: 'Notion',
  credentials: {
    schema: notionCredentials,
    env: { token: 'NOTION_TOKEN', baseUrl: 'NOTION_BASE_URL' },
    secret: ['token'],
  },
  // Notion allows an average of three requests a second per integration, with short bursts.
  rateLimit: { perSecond: 3, burst: 10 },
  connect: (credentials, transport) => connectNotion(credentials, transport),
  testConnection: async (client: Client) => {
    await client.users.me({});
  },
  classifyError: classifyNotionError,
  operations: { ...pageOperations, ...databaseOperations },
});
