import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { isGone, type ConfluenceClient } from './client.js';

const operation = defineOperation<ConfluenceClient>();

/** Confluence ids (pages, spaces) are 64-bit integers, written as strings in JSON. */
export const contentId = z.string().regex(/^[1-9][0-9]{0,18}$/, 'must be a Confluence id (digits)');

/** A page as REST v2 answers it (the fields we read). */
interface PageV2 {
  id: string;
  title?: string;
  status?: string;
  spaceId?: string;
  parentId?: string;
  version?: { number?: number };
  body?: { storage?: { value?: string } };
  labels?: { results?: { name?: string }[] };
  _links?: { webui?: string; base?: string };
}

const pageOutput = z.object({
  pageId: z.string(),
  title: z.string(),
  spaceId: z.string(),
  parentId: z.string().optional(),
  status: z.string(),
  version: z.number().int(),
  webUrl: z.string().optional(),
});

function pageView(client: ConfluenceClient, page: PageV2): z.output<typeof pageOutput> {
  const webui = page._links?.webui;
  return {
    pageId: page.id,
    title: page.title ?? '',
    spaceId: page.spaceId ?? '',
    ...(page.parentId ? { parentId: page.parentId } : {}),
    status: page.status ?? 'current',
    version: page.version?.number ?? 1,
    ...(webui ? { webUrl: `${page._links?.base ?? client.wikiUrl}${webui}` } : {}),
  };
}

const getPage = (client: ConfluenceClient, pageId: string, query: Record<string, string | boolean> = {}) =>
  client.v2<PageV2>('GET', `/pages/${pageId}`, { query: { 'body-format': 'storage', ...query } });

/** Titles are unique among a space's pages, so the title finds what an interrupted create made. */
async function findByTitle(client: ConfluenceClient, spaceId: string, title: string, status: string) {
  const found = await client.v2<{ results?: PageV2[] }>('GET', '/pages', {
    query: { 'space-id': spaceId, title, status, limit: 5 },
  });
  return found.results?.find((page) => page.title === title);
}

/** Storage format is Confluence's XHTML (`<p>…</p>`, `<ac:structured-macro …>`). */
const storageBody = z.string().max(5_000_000);

export const pageOperations = {
  createPage: operation({
    description: 'Create a page in a space (storage-format body), optionally under a parent page.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      spaceId: contentId,
      title: z.string().min(1).max(255),
      body: storageBody,
      parentId: contentId.optional(),
      status: z.enum(['current', 'draft']).default('current'),
    }),
    output: pageOutput,
    compensate: { operation: 'deletePage', input: (_input, output) => ({ pageId: output.pageId }) },
    recover: async ({ client }, input) => {
      const page = await findByTitle(client, input.spaceId, input.title, input.status);
      return page ? pageView(client, page) : undefined;
    },
    run: async ({ client }, input) =>
      pageView(
        client,
        await client.v2<PageV2>('POST', '/pages', {
          body: {
            spaceId: input.spaceId,
            status: input.status,
            title: input.title,
            ...(input.parentId ? { parentId: input.parentId } : {}),
            body: { representation: 'storage', value: input.body },
          },
        }),
      ),
  }),
  getPage: operation({
    description: 'Read a page: title, storage-format body, version and labels.',
    kind: 'read',
    idempotent: true,
    input: z.object({ pageId: contentId }),
    output: pageOutput.extend({ body: z.string(), labels: z.array(z.string()) }),
    run: async ({ client }, input) => {
      const page = await getPage(client, input.pageId, { 'include-labels': true });
      return {
        ...pageView(client, page),
        body: page.body?.storage?.value ?? '',
        labels: (page.labels?.results ?? []).map((label) => label.name ?? ''),
      };
    },
  }),
  updatePage: operation({
    description:
      'Replace a page body (and optionally its title): reads the current version, then writes version + 1. Setting the ' +
      'same content twice leaves the same page, one version later.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      pageId: contentId,
      body: storageBody,
      title: z.string().min(1).max(255).optional(),
      versionMessage: z.string().max(255).optional(),
    }),
    output: pageOutput,
    run: async ({ client }, input) => {
      const write = async () => {
        const current = await getPage(client, input.pageId);
        return client.v2<PageV2>('PUT', `/pages/${input.pageId}`, {
          body: {
            id: input.pageId,
            status: 'current',
            title: input.title ?? current.title ?? '',
            body: { representation: 'storage', value: input.body },
            version: {
              number: (current.version?.number ?? 1) + 1,
              ...(input.versionMessage ? { message: input.versionMessage } : {}),
            },
          },
        });
      };
      try {
        return pageView(client, await write());
      } catch (error) {
        // Someone saved in between (409 on a stale version): the intent is "the page says this", so read again once.
        if (error instanceof ToolError && error.category === 'conflict')
          return pageView(client, await write());
        throw error;
      }
    },
  }),
  deletePage: operation({
    description:
      'Move a page to the trash (the compensation of createPage); one already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ pageId: contentId }),
    output: z.object({ pageId: z.string(), deleted: z.boolean() }),
    run: async ({ client }, input) => {
      try {
        await client.v2('DELETE', `/pages/${input.pageId}`);
        return { pageId: input.pageId, deleted: true };
      } catch (error) {
        if (isGone(error)) return { pageId: input.pageId, deleted: false };
        throw error;
      }
    },
  }),
};
