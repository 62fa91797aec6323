import type { Client } from '@notionhq/client';
import { ToolError } from '../core/errors.js';
import type { PropertyTypes } from './properties.js';
import { notionSdk } from './sdk.js';

/** Where rows go: a database (with one data source) or one data source of it. */
export interface RowTarget {
  databaseId?: string | undefined;
  dataSourceId?: string | undefined;
}

/**
 * The data source a database id stands for. Since API version 2025-09-03 a database holds one or
 * more data sources and rows live in those; a database with several needs its data source named.
 */
export async function resolveDataSource(client: Client, target: RowTarget): Promise<string> {
  if (target.dataSourceId) return target.dataSourceId;
  const database = (await client.databases.retrieve({ database_id: target.databaseId ?? '' })) as {
    data_sources?: { id: string; name?: string }[];
  };
  const sources = database.data_sources ?? [];
  const [only] = sources;
  if (sources.length === 1 && only) return only.id;
  if (sources.length === 0)
    throw new ToolError('invalid_input', `database ${target.databaseId} has no data source`);
  throw new ToolError(
    'invalid_input',
    `database ${target.databaseId} has ${sources.length} data sources; name one as dataSourceId: ` +
      sources.map((source) => `${source.id} (${source.name ?? 'untitled'})`).join(', '),
  );
}

/** Each property's type, by name, from the data source's schema. */
export async function propertyTypes(client: Client, dataSourceId: string): Promise<PropertyTypes> {
  const source = (await client.dataSources.retrieve({ data_source_id: dataSourceId })) as {
    properties?: Record<string, { type?: string }>;
  };
  return Object.fromEntries(
    Object.entries(source.properties ?? {}).map(([name, property]) => [name, property.type ?? '']),
  );
}

/**
 * Runs a trash call and treats "already in the trash" as done, so a retried compensation succeeds.
 * Notion refuses to edit archived blocks with a validation error; `isTrashed` checks that this is why.
 */
export async function trashOnce(
  trash: () => Promise<unknown>,
  isTrashed: () => Promise<boolean>,
): Promise<void> {
  try {
    await trash();
  } catch (error) {
    const { APIErrorCode, isNotionClientError } = await notionSdk();
    if (!isNotionClientError(error) || error.code !== APIErrorCode.ValidationError || !(await isTrashed()))
      throw error;
  }
}
