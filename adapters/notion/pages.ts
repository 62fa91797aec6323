import type { Client, CreatePageParameters } from '@notionhq/client';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import {
  blockInput,
  blockView,
  chunks,
  richText,
  toNotionBlock,
  viewBlock,
  type BlockInput,
} from './blocks.js';
import { notionId } from './client.js';
import { propertyTypes, resolveDataSource, trashOnce, type RowTarget } from './data-sources.js';
import {
  propertyValue,
  simplifyProperties,
  titleProperty,
  toNotionProperties,
  type PropertyValue,
} from './properties.js';

const operation = defineOperation<Client>();

/** What creating a page or a row returns. */
export const pageOutput = z.object({ pageId: z.string(), url: z.string() });
const blocks = z.array(blockInput).max(1000);

/** Appends blocks in Notion's 100-per-request groups; returns the new blocks' ids in order. */
async function append(client: Client, blockId: string, items: BlockInput[]): Promise<string[]> {
  const ids: string[] = [];
  for (const group of chunks(items)) {
    const result = await client.blocks.children.append({
      block_id: blockId,
      children: group.map(toNotionBlock),
    });
    ids.push(...result.results.map((block) => block.id));
  }
  return ids;
}

/**
 * Creates a page with content: the first 100 blocks go with the page, the rest are appended.
 * No recover: Notion has no idempotency key and no hidden field to mark a page with, and a title
 * is not unique, so "finding" the page after a crash could adopt (and a saga later trash) someone
 * else's. A crash between Notion's answer and the ledger can therefore leave one extra page.
 */
export async function createPageWithBlocks(
  client: Client,
  parent: CreatePageParameters['parent'],
  properties: Record<string, unknown>,
  items: BlockInput[],
  icon?: string,
): Promise<z.input<typeof pageOutput>> {
  const [first = [], ...rest] = chunks(items);
  const page = (await client.pages.create({
    parent,
    properties: properties as CreatePageParameters['properties'],
    ...(first.length > 0 ? { children: first.map(toNotionBlock) } : {}),
    ...(icon ? { icon: { type: 'emoji', emoji: icon } as CreatePageParameters['icon'] } : {}),
  })) as { id: string; url?: string };
  for (const group of rest) await append(client, page.id, group);
  return { pageId: page.id, url: page.url ?? '' };
}

/** A row in a data source: simple values turned into Notion's shapes by the data source's schema. */
export async function createRow(
  client: Client,
  target: RowTarget,
  values: Record<string, PropertyValue>,
  items: BlockInput[],
  title?: string,
): Promise<z.input<typeof pageOutput>> {
  const dataSourceId = await resolveDataSource(client, target);
  const types = await propertyTypes(client, dataSourceId);
  const properties = toNotionProperties(
    title === undefined ? values : { [titleProperty(types)]: title, ...values },
    types,
  );
  // The 2025-09-03 API takes a database parent for a database with one data source (the spec knows only that form).
  const parent = (
    target.databaseId
      ? { database_id: target.databaseId }
      : { type: 'data_source_id', data_source_id: dataSourceId }
  ) as CreatePageParameters['parent'];
  return createPageWithBlocks(client, parent, properties, items);
}

const parentInput = z.union([
  z.object({ pageId: notionId }),
  z.object({ databaseId: notionId }),
  z.object({ dataSourceId: notionId }),
]);

async function pageIsTrashed(client: Client, pageId: string): Promise<boolean> {
  const page = (await client.pages.retrieve({ page_id: pageId })) as {
    in_trash?: boolean;
    archived?: boolean;
  };
  return page.in_trash === true || page.archived === true;
}

/** Pages and their content: create, read, trash; append, list and trash blocks. */
export const pageOperations = {
  createPage: operation({
    description:
      'Create a page under a page, or as a row of a database (title plus other properties), with blocks as its content.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      parent: parentInput,
      title: z.string().min(1).max(2000),
      /** Other properties, for pages in a database: simple values by property name. */
      properties: z.record(z.string(), propertyValue).default({}),
      blocks: blocks.default([]),
      /** An emoji. */
      icon: z.string().max(16).optional(),
    }),
    output: pageOutput,
    compensate: { operation: 'archivePage', input: (_input, output) => ({ pageId: output.pageId }) },
    run: async ({ client }, input) => {
      if ('pageId' in input.parent) {
        if (Object.keys(input.properties).length > 0) {
          throw new ToolError(
            'invalid_input',
            'a page under a page has only a title; properties need a database parent',
          );
        }
        const properties = { title: { title: richText(input.title) } };
        return createPageWithBlocks(
          client,
          { page_id: input.parent.pageId },
          properties,
          input.blocks,
          input.icon,
        );
      }
      return createRow(client, input.parent, input.properties, input.blocks, input.title);
    },
  }),
  getPage: operation({
    description: 'Read a page: title, URL, whether it is in the trash, and its properties as plain values.',
    kind: 'read',
    idempotent: true,
    input: z.object({ pageId: notionId }),
    output: pageOutput.extend({
      title: z.string(),
      inTrash: z.boolean(),
      parent: z.object({ type: z.string(), id: z.string() }),
      properties: z.record(z.string(), z.unknown()),
    }),
    run: async ({ client }, input) => {
      const page = (await client.pages.retrieve({ page_id: input.pageId })) as {
        id: string;
        url?: string;
        in_trash?: boolean;
        archived?: boolean;
        parent?: Record<string, unknown>;
        properties?: Record<string, { type?: string }>;
      };
      const properties = simplifyProperties(page.properties);
      const titleName = Object.entries(page.properties ?? {}).find(([, p]) => p.type === 'title')?.[0];
      const parentType = String(page.parent?.type ?? 'workspace');
      return {
        pageId: page.id,
        url: page.url ?? '',
        title: titleName ? String(properties[titleName] ?? '') : '',
        inTrash: page.in_trash === true || page.archived === true,
        parent: { type: parentType, id: String(page.parent?.[parentType] ?? '') },
        properties,
      };
    },
  }),
  archivePage: operation({
    description:
      'Move a page to the trash (the compensation of createPage and addRow); a page already there is not an error.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ pageId: notionId }),
    output: z.object({ pageId: z.string(), inTrash: z.literal(true) }),
    run: async ({ client }, input) => {
      await trashOnce(
        () => client.pages.update({ page_id: input.pageId, in_trash: true }),
        () => pageIsTrashed(client, input.pageId),
      );
      return { pageId: input.pageId, inTrash: true as const };
    },
  }),
  appendBlocks: operation({
    description: 'Append blocks to a page or block, in order (100 per request, as Notion takes them).',
    kind: 'write',
    idempotent: false,
    input: z.object({ blockId: notionId, blocks: blocks.min(1) }),
    output: z.object({ blockIds: z.array(z.string()) }),
    compensate: { operation: 'deleteBlocks', input: (_input, output) => ({ blockIds: output.blockIds }) },
    run: async ({ client }, input) => ({ blockIds: await append(client, input.blockId, input.blocks) }),
  }),
  deleteBlocks: operation({
    description:
      'Move blocks to the trash (the compensation of appendBlocks); blocks already there are not an error.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ blockIds: z.array(notionId).min(1).max(1000) }),
    output: z.object({ blockIds: z.array(z.string()) }),
    run: async ({ client, heartbeat }, input) => {
      for (const blockId of input.blockIds) {
        await trashOnce(
          () => client.blocks.delete({ block_id: blockId }),
          async () => {
            const block = (await client.blocks.retrieve({ block_id: blockId })) as {
              in_trash?: boolean;
              archived?: boolean;
            };
            return block.in_trash === true || block.archived === true;
          },
        );
        heartbeat({ deleted: blockId });
      }
      return { blockIds: input.blockIds };
    },
  }),
  listBlocks: operation({
    description: "Read a page's or block's child blocks (all pages of them), as type and plain text.",
    kind: 'read',
    idempotent: true,
    input: z.object({ blockId: notionId }),
    output: z.object({ blocks: z.array(blockView) }),
    run: async ({ client }, input) => {
      const found: z.input<typeof blockView>[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.blocks.children.list({
          block_id: input.blockId,
          page_size: 100,
          ...(cursor ? { start_cursor: cursor } : {}),
        });
        found.push(...page.results.map((block) => viewBlock(block as Record<string, unknown>)));
        cursor = page.has_more ? (page.next_cursor ?? undefined) : undefined;
      } while (cursor);
      return { blocks: found };
    },
  }),
};
