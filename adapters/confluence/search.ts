import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { ConfluenceClient } from './client.js';

const operation = defineOperation<ConfluenceClient>();

interface SearchResultV1 {
  content?: { id?: string; type?: string; title?: string; _links?: { webui?: string } };
  title?: string;
  excerpt?: string;
  url?: string;
  lastModified?: string;
}

/** CQL search exists only in REST v1 (`/wiki/rest/api/search`); v2 has no search endpoint. */
export const searchOperations = {
  searchCql: operation({
    description:
      'Search with CQL, e.g. `space = DEV and label = release and type = page` (Confluence REST v1).',
    kind: 'read',
    idempotent: true,
    input: z.object({
      cql: z.string().min(1).max(4000),
      limit: z.number().int().min(1).max(100).default(25),
    }),
    output: z.object({
      results: z.array(
        z.object({
          id: z.string(),
          type: z.string(),
          title: z.string(),
          excerpt: z.string(),
          url: z.string().optional(),
          lastModified: z.string().optional(),
        }),
      ),
      totalSize: z.number().int(),
    }),
    run: async ({ client }, input) => {
      const answer = await client.v1<{ results?: SearchResultV1[]; totalSize?: number; size?: number }>(
        'GET',
        '/search',
        {
          query: { cql: input.cql, limit: input.limit },
        },
      );
      const results = (answer.results ?? []).map((result) => ({
        id: result.content?.id ?? '',
        type: result.content?.type ?? '',
        title: result.content?.title ?? result.title ?? '',
        excerpt: result.excerpt ?? '',
        ...(result.url ? { url: `${client.wikiUrl}${result.url}` } : {}),
        ...(result.lastModified ? { lastModified: result.lastModified } : {}),
      }));
      return { results, totalSize: answer.totalSize ?? answer.size ?? results.length };
    },
  }),
};
