import type { Client, CreateDatabaseParameters, QueryDataSourceParameters } from '@notionhq/client';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { blockInput, richText } from './blocks.js';
import { notionId } from './client.js';
import { resolveDataSource, trashOnce } from './data-sources.js';
import { createRow, pageOutput } from './pages.js';
import { propertySchema, propertyValue, simplifyProperties, toNotionSchema } from './properties.js';

const operation = defineOperation<Client>();

/** A database, or one of its data sources: exactly one of the two. */
const target = { databaseId: notionId.optional(), dataSourceId: notionId.optional() };
const oneTarget = [
  (input: { databaseId?: string | undefined; dataSourceId?: string | undefined }) =>
    (input.databaseId === undefined) !== (input.dataSourceId === undefined),
  'give databaseId or dataSourceId (one of them)',
] as const;

const row = z.object({ pageId: z.string(), url: z.string(), properties: z.record(z.string(), z.unknown()) });

/** Databases: create, trash, add rows, query rows. */
export const databaseOperations = {
  createDatabase: operation({
    description:
      'Create a database under a page, with its columns (name -> type, or {type, options} for selects); it gets a "Name" title column unless one is given.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      parentPageId: notionId,
      title: z.string().min(1).max(2000),
      properties: z.record(z.string(), propertySchema).default({}),
      /** Shown inside the parent page rather than as a page of its own. */
      inline: z.boolean().default(false),
    }),
    output: z.object({ databaseId: z.string(), dataSourceId: z.string(), url: z.string() }),
    compensate: {
      operation: 'archiveDatabase',
      input: (_input, output) => ({ databaseId: output.databaseId }),
    },
    // No recover, for the reason createPage has none: nothing marks a database as made by this call.
    run: async ({ client }, input) => {
      const titles = Object.values(input.properties).filter(
        (p) => (typeof p === 'string' ? p : p.type) === 'title',
      );
      if (titles.length > 1) throw new ToolError('invalid_input', 'a database has exactly one title column');
      const columns =
        titles.length === 1 ? input.properties : { Name: 'title' as const, ...input.properties };
      const database = (await client.databases.create({
        parent: { type: 'page_id', page_id: input.parentPageId },
        title: richText(input.title),
        is_inline: input.inline,
        initial_data_source: { properties: toNotionSchema(columns) },
      } as CreateDatabaseParameters)) as { id: string; url?: string; data_sources?: { id: string }[] };
      const dataSourceId = database.data_sources?.[0]?.id;
      if (!dataSourceId)
        throw new ToolError('transient', 'Notion created the database without naming its data source');
      return { databaseId: database.id, dataSourceId, url: database.url ?? '' };
    },
  }),
  archiveDatabase: operation({
    description:
      'Move a database to the trash (the compensation of createDatabase); a database is a block of its parent page.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ databaseId: notionId }),
    output: z.object({ databaseId: z.string(), inTrash: z.literal(true) }),
    run: async ({ client }, input) => {
      await trashOnce(
        () => client.blocks.delete({ block_id: input.databaseId }),
        async () => {
          const block = (await client.blocks.retrieve({ block_id: input.databaseId })) as {
            in_trash?: boolean;
            archived?: boolean;
          };
          return block.in_trash === true || block.archived === true;
        },
      );
      return { databaseId: input.databaseId, inTrash: true as const };
    },
  }),
  addRow: operation({
    description:
      "Add a row to a database: a page whose properties are simple values by column name, checked against the database's columns.",
    kind: 'write',
    idempotent: false,
    input: z
      .object({
        ...target,
        properties: z.record(z.string(), propertyValue),
        blocks: z.array(blockInput).max(1000).default([]),
      })
      .refine(...oneTarget),
    output: pageOutput,
    compensate: { operation: 'archivePage', input: (_input, output) => ({ pageId: output.pageId }) },
    run: async ({ client }, input) => createRow(client, input, input.properties, input.blocks),
  }),
  queryDatabase: operation({
    description:
      "Read a database's rows (every page of results, up to maxRows), optionally filtered and sorted with Notion's filter and sort objects.",
    kind: 'read',
    idempotent: true,
    input: z
      .object({
        ...target,
        /** Notion's filter object, e.g. `{property: "Status", select: {equals: "Done"}}`. */
        filter: z.record(z.string(), z.unknown()).optional(),
        sorts: z
          .array(
            z.object({
              property: z.string(),
              direction: z.enum(['ascending', 'descending']).default('ascending'),
            }),
          )
          .optional(),
        maxRows: z.number().int().min(1).max(10_000).default(1000),
      })
      .refine(...oneTarget),
    output: z.object({ dataSourceId: z.string(), rows: z.array(row), truncated: z.boolean() }),
    run: async ({ client, heartbeat }, input) => {
      const dataSourceId = await resolveDataSource(client, input);
      const rows: z.input<typeof row>[] = [];
      let cursor: string | undefined;
      let more = false;
      do {
        const page = await client.dataSources.query({
          data_source_id: dataSourceId,
          page_size: Math.min(100, input.maxRows - rows.length),
          ...(input.filter ? { filter: input.filter as QueryDataSourceParameters['filter'] } : {}),
          ...(input.sorts ? { sorts: input.sorts } : {}),
          ...(cursor ? { start_cursor: cursor } : {}),
        });
        for (const result of page.results as { id: string; url?: string; properties?: unknown }[]) {
          rows.push({
            pageId: result.id,
            url: result.url ?? '',
            properties: simplifyProperties(result.properties),
          });
        }
        more = page.has_more;
        cursor = page.next_cursor ?? undefined;
        heartbeat({ rows: rows.length });
      } while (more && cursor && rows.length < input.maxRows);
      return { dataSourceId, rows, truncated: more };
    },
  }),
};
