import { randomUUID } from 'node:crypto';
import type {
  DataSourceObjectResponse,
  DatabaseObjectResponse,
  PageObjectResponse,
  PartialUserObjectResponse,
} from '@notionhq/client';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';

/**
 * Test support: a small Notion workspace in memory behind the contract server. The MCP server's
 * spec checks requests closely but describes every answer as just "an object", so the answers
 * here are also typed against @notionhq/client's response types, Notion's own description of them.
 */

/** Tokens the fake workspace accepts start with this; any other is `unauthorized` (401). */
export const NOTION_TEST_TOKEN_PREFIX = 'ntn_contract_';

const BOT: PartialUserObjectResponse = { object: 'user', id: '9f0c6a62-1c0b-4a55-9d8e-5a4f6f1c2b3a' };

interface RichTextIn {
  text?: { content?: string; link?: { url: string } | null };
}

type Parent =
  | { type: 'page_id'; page_id: string }
  | { type: 'data_source_id'; data_source_id: string; database_id: string }
  | { type: 'workspace'; workspace: true };

interface PageRecord {
  id: string;
  parent: Parent;
  properties: Record<string, Record<string, unknown>>;
  icon: unknown;
  inTrash: boolean;
  created: string;
}

interface BlockRecord {
  id: string;
  parentId: string;
  type: string;
  body: Record<string, unknown>;
  inTrash: boolean;
  created: string;
}

interface SchemaProperty {
  id: string;
  name: string;
  type: string;
  config: Record<string, unknown>;
}

interface DatabaseRecord {
  id: string;
  title: string;
  parentPageId: string;
  isInline: boolean;
  inTrash: boolean;
  dataSourceIds: string[];
  created: string;
}

interface DataSourceRecord {
  id: string;
  databaseId: string;
  name: string;
  properties: Record<string, SchemaProperty>;
}

/** The fake workspace: its handlers by operationId, its state for assertions, and test levers. */
export interface NotionFake {
  handlers: Record<string, ContractHandler>;
  pages: Map<string, PageRecord>;
  blocks: Map<string, BlockRecord>;
  databases: Map<string, DatabaseRecord>;
  dataSources: Map<string, DataSourceRecord>;
  /** Child ids of each page or block, in order (blocks, sub-pages and databases alike). */
  children: Map<string, string[]>;
  /** Pages created through the API (POST /v1/pages), the side effect tests count. */
  created: string[];
  /** The most results one list or query answers, so that clients must follow cursors. */
  pageSize: number;
  /** Answers the next request of an operation with this response instead (a 429, an outage). */
  answerNext(operationId: string, response: ContractResponse): void;
  /** A page shared with the integration before the test, as a person would have made it. */
  seedPage(title: string): string;
  /** A database with one data source and these columns (name -> type), under a page. */
  seedDatabase(
    parentPageId: string,
    title: string,
    columns: Record<string, string>,
  ): { databaseId: string; dataSourceId: string };
  /** The plain text of a page's title. */
  titleOf(pageId: string): string;
}

const now = () => new Date().toISOString();
const richTextOut = (parts: unknown) =>
  (Array.isArray(parts) ? (parts as RichTextIn[]) : []).map((part) => ({
    type: 'text' as const,
    text: { content: part.text?.content ?? '', link: part.text?.link ?? null },
    annotations: {
      bold: false,
      italic: false,
      strikethrough: false,
      underline: false,
      code: false,
      color: 'default' as const,
    },
    plain_text: part.text?.content ?? '',
    href: part.text?.link?.url ?? null,
  }));
const plain = (parts: unknown) =>
  richTextOut(parts)
    .map((part) => part.plain_text)
    .join('');
const error = (status: number, code: string, message: string): ContractResponse => ({
  status,
  body: { object: 'error', status, code, message },
});
const notFound = (id: string) =>
  error(
    404,
    'object_not_found',
    `Could not find object with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
const invalid = (message: string) => error(400, 'validation_error', message);
const archivedBlock = () =>
  invalid("Can't edit block that is archived. You must unarchive the block before editing.");
const urlOf = (title: string, id: string) =>
  `https://www.notion.so/${title.replace(/[^\w]+/g, '-').replace(/^-|-$/g, '') || 'Untitled'}-${id.replace(/-/g, '')}`;
const bodyOf = (request: ContractRequest) => (request.body ?? {}) as Record<string, unknown>;

/** A new, empty workspace; seed pages and databases into it. */
export function createNotionFake(): NotionFake {
  const pages = new Map<string, PageRecord>();
  const blocks = new Map<string, BlockRecord>();
  const databases = new Map<string, DatabaseRecord>();
  const dataSources = new Map<string, DataSourceRecord>();
  const children = new Map<string, string[]>();
  const created: string[] = [];
  const injected = new Map<string, ContractResponse>();
  let propertyCounter = 0;

  const adopt = (parentId: string, childId: string) =>
    children.set(parentId, [...(children.get(parentId) ?? []), childId]);
  const titleOf = (pageId: string) => {
    const page = pages.get(pageId);
    const title = Object.values(page?.properties ?? {}).find((p) => p.type === 'title');
    return title ? plain(title.title) : '';
  };

  const pageView = (page: PageRecord): PageObjectResponse => ({
    object: 'page',
    id: page.id,
    created_time: page.created,
    last_edited_time: page.created,
    created_by: BOT,
    last_edited_by: BOT,
    in_trash: page.inTrash,
    archived: page.inTrash,
    is_archived: page.inTrash,
    is_locked: false,
    url: urlOf(titleOf(page.id), page.id),
    public_url: null,
    parent: page.parent as PageObjectResponse['parent'],
    properties: page.properties as PageObjectResponse['properties'],
    icon: (page.icon ?? null) as PageObjectResponse['icon'],
    cover: null,
  });
  const databaseView = (database: DatabaseRecord): DatabaseObjectResponse => ({
    object: 'database',
    id: database.id,
    title: richTextOut([{ text: { content: database.title } }]),
    description: [],
    parent: { type: 'page_id', page_id: database.parentPageId },
    is_inline: database.isInline,
    in_trash: database.inTrash,
    archived: database.inTrash,
    is_locked: false,
    created_time: database.created,
    last_edited_time: database.created,
    data_sources: database.dataSourceIds.map((id) => ({ id, name: dataSources.get(id)?.name ?? '' })),
    icon: null,
    cover: null,
    url: urlOf(database.title, database.id),
    public_url: null,
  });
  const dataSourceView = (source: DataSourceRecord): DataSourceObjectResponse => {
    const database = databases.get(source.databaseId);
    return {
      object: 'data_source',
      id: source.id,
      title: richTextOut([{ text: { content: source.name } }]),
      description: [],
      parent: { type: 'database_id', database_id: source.databaseId },
      database_parent: { type: 'page_id', page_id: database?.parentPageId ?? '' },
      is_inline: database?.isInline ?? false,
      in_trash: false,
      archived: false,
      created_time: database?.created ?? now(),
      last_edited_time: database?.created ?? now(),
      created_by: BOT,
      last_edited_by: BOT,
      properties: Object.fromEntries(
        Object.values(source.properties).map((p) => [
          p.name,
          { id: p.id, name: p.name, description: null, type: p.type, [p.type]: p.config },
        ]),
      ) as DataSourceObjectResponse['properties'],
      icon: null,
      cover: null,
      url: urlOf(source.name, source.id),
      public_url: null,
    };
  };
  /** Any child of a page or block, as a block object (sub-pages and databases are blocks too). */
  const blockView = (id: string): Record<string, unknown> | undefined => {
    const common = (parentId: string, created: string, inTrash: boolean) => ({
      object: 'block',
      id,
      parent: pages.has(parentId)
        ? { type: 'page_id', page_id: parentId }
        : { type: 'block_id', block_id: parentId },
      created_time: created,
      last_edited_time: created,
      created_by: BOT,
      last_edited_by: BOT,
      has_children: (children.get(id) ?? []).length > 0,
      archived: inTrash,
      in_trash: inTrash,
    });
    const block = blocks.get(id);
    if (block)
      return {
        ...common(block.parentId, block.created, block.inTrash),
        type: block.type,
        [block.type]: block.body,
      };
    const page = pages.get(id);
    if (page?.parent.type === 'page_id') {
      return {
        ...common(page.parent.page_id, page.created, page.inTrash),
        type: 'child_page',
        child_page: { title: titleOf(id) },
      };
    }
    const database = databases.get(id);
    if (database) {
      return {
        ...common(database.parentPageId, database.created, database.inTrash),
        type: 'child_database',
        child_database: { title: database.title },
      };
    }
    return undefined;
  };

  const addBlocks = (parentId: string, requested: unknown[]) =>
    requested.map((raw) => {
      const item = raw as Record<string, unknown>;
      const type = String(item.type ?? Object.keys(item).find((key) => key !== 'object' && key !== 'type'));
      const body = { ...((item[type] ?? {}) as Record<string, unknown>) };
      if ('rich_text' in body) body.rich_text = richTextOut(body.rich_text);
      if ('rich_text' in body) body.color ??= 'default';
      const block: BlockRecord = { id: randomUUID(), parentId, type, body, inTrash: false, created: now() };
      blocks.set(block.id, block);
      adopt(parentId, block.id);
      return block.id;
    });

  /** A page's property values checked against its data source's schema, as Notion answers them. */
  const propertiesFor = (
    requested: Record<string, Record<string, unknown>>,
    schema: Record<string, SchemaProperty>,
  ): { properties: Record<string, Record<string, unknown>> } | { refusal: ContractResponse } => {
    const out: Record<string, Record<string, unknown>> = {};
    for (const property of Object.values(schema)) {
      out[property.name] = {
        id: property.id,
        type: property.type,
        [property.type]: emptyValue(property.type),
      };
    }
    for (const [name, value] of Object.entries(requested)) {
      const property = schema[name] ?? Object.values(schema).find((p) => p.id === name);
      if (!property) return { refusal: invalid(`${name} is not a property that exists.`) };
      if (!(property.type in value))
        return { refusal: invalid(`${name} is expected to be ${property.type}.`) };
      const given = value[property.type];
      let stored: unknown = given;
      if (property.type === 'title' || property.type === 'rich_text') stored = richTextOut(given);
      else if (property.type === 'select' || property.type === 'status') {
        stored = given === null ? null : option(property, (given as { name: string }).name);
        if (stored === undefined) return { refusal: invalid(`Invalid status option for ${name}.`) };
      } else if (property.type === 'multi_select') {
        stored = (given as { name: string }[]).map((o) => option(property, o.name));
      } else if (property.type === 'date') {
        stored =
          given === null ? null : { start: (given as { start: string }).start, end: null, time_zone: null };
      } else if (property.type === 'number' && given !== null && typeof given !== 'number') {
        return { refusal: invalid(`${name} is expected to be number.`) };
      } else if (property.type === 'checkbox' && typeof given !== 'boolean') {
        return { refusal: invalid(`${name} is expected to be checkbox.`) };
      }
      out[property.name] = { id: property.id, type: property.type, [property.type]: stored };
    }
    return { properties: out };
  };
  /** A select option by name; new names become options, as Notion does for selects (not statuses). */
  const option = (property: SchemaProperty, name: string) => {
    const options = (
      (property.config.options ?? []) as { id: string; name: string; color: string }[]
    ).slice();
    let found = options.find((o) => o.name === name);
    if (!found) {
      if (property.type === 'status') return undefined;
      found = { id: randomUUID().slice(0, 4), name, color: 'default' };
      property.config.options = [...options, found];
    }
    return found;
  };

  const createDataSource = (
    databaseId: string,
    name: string,
    columns: Record<string, Record<string, unknown>>,
  ) => {
    const source: DataSourceRecord = { id: randomUUID(), databaseId, name, properties: {} };
    for (const [columnName, config] of Object.entries(columns)) {
      const type =
        Object.keys(config).find((key) => key !== 'type' && key !== 'name' && key !== 'description') ??
        'rich_text';
      const given = (config[type] ?? {}) as Record<string, unknown>;
      const options = Array.isArray(given.options)
        ? (given.options as { name: string }[]).map((o) => ({
            id: randomUUID().slice(0, 4),
            name: o.name,
            color: 'default',
          }))
        : undefined;
      source.properties[columnName] = {
        id: type === 'title' ? 'title' : `p${++propertyCounter}`,
        name: columnName,
        type,
        config: type === 'number' ? { format: 'number' } : options ? { options } : {},
      };
    }
    dataSources.set(source.id, source);
    return source;
  };
  const createDatabaseRecord = (
    parentPageId: string,
    title: string,
    isInline: boolean,
    columns: Record<string, Record<string, unknown>>,
  ) => {
    const database: DatabaseRecord = {
      id: randomUUID(),
      title,
      parentPageId,
      isInline,
      inTrash: false,
      dataSourceIds: [],
      created: now(),
    };
    databases.set(database.id, database);
    database.dataSourceIds.push(createDataSource(database.id, title, columns).id);
    adopt(parentPageId, database.id);
    return database;
  };

  /** Pagination the way Notion does it: the cursor is the id of the next result. */
  const paginate = <T extends { id: string }>(items: T[], startCursor: unknown, pageSize: unknown) => {
    const start = typeof startCursor === 'string' ? items.findIndex((item) => item.id === startCursor) : 0;
    const size = Math.min(typeof pageSize === 'number' ? pageSize : 100, fake.pageSize);
    const from = Math.max(start, 0);
    const next = items[from + size];
    return {
      results: items.slice(from, from + size),
      next_cursor: next?.id ?? null,
      has_more: next !== undefined,
    };
  };

  /** What every endpoint checks first: an injected answer, the token, then the version header. */
  const endpoint =
    (handle: (request: ContractRequest) => ContractResponse) =>
    (request: ContractRequest): ContractResponse => {
      const forced = injected.get(request.operationId);
      if (forced) {
        injected.delete(request.operationId);
        return forced;
      }
      const token = /^bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
      if (!token.startsWith(NOTION_TEST_TOKEN_PREFIX))
        return error(401, 'unauthorized', 'API token is invalid.');
      if (!request.headers['notion-version']) {
        return error(
          400,
          'missing_version',
          'Notion-Version header failed validation: Notion-Version header should be defined.',
        );
      }
      return handle(request);
    };
  const idParam = (request: ContractRequest, name: string) => String(request.params[name] ?? '');
  const live = (id: string) => {
    const block = blocks.get(id);
    const page = pages.get(id);
    const database = databases.get(id);
    return (block && !block.inTrash) || (page && !page.inTrash) || (database && !database.inTrash);
  };

  const handlers: Record<string, ContractHandler> = {
    'get-self': endpoint(() => ({
      status: 200,
      body: {
        ...BOT,
        name: 'SomaGent',
        avatar_url: null,
        type: 'bot',
        bot: { owner: { type: 'workspace', workspace: true } },
      },
    })),
    'post-page': endpoint((request) => {
      const body = bodyOf(request);
      const parentIn = (body.parent ?? {}) as Record<string, string>;
      let parent: Parent;
      let checked: ReturnType<typeof propertiesFor>;
      const requested = (body.properties ?? {}) as Record<string, Record<string, unknown>>;
      if (parentIn.page_id) {
        if (!pages.has(parentIn.page_id) || pages.get(parentIn.page_id)?.inTrash)
          return notFound(parentIn.page_id);
        parent = { type: 'page_id', page_id: parentIn.page_id };
        const names = Object.keys(requested);
        if (names.some((name) => name !== 'title')) {
          return invalid(
            'Invalid property for a page parent: only "title" can be set on a page that is not in a database.',
          );
        }
        checked = {
          properties: { title: { id: 'title', type: 'title', title: richTextOut(requested.title?.title) } },
        };
      } else {
        const source = parentIn.data_source_id
          ? dataSources.get(parentIn.data_source_id)
          : dataSources.get(databases.get(parentIn.database_id ?? '')?.dataSourceIds[0] ?? '');
        if (!source) return notFound(parentIn.data_source_id ?? parentIn.database_id ?? '');
        if (parentIn.database_id && (databases.get(parentIn.database_id)?.dataSourceIds.length ?? 0) > 1) {
          return invalid('Databases with multiple data sources are not supported in this API version.');
        }
        parent = { type: 'data_source_id', data_source_id: source.id, database_id: source.databaseId };
        checked = propertiesFor(requested, source.properties);
      }
      if ('refusal' in checked) return checked.refusal;
      const page: PageRecord = {
        id: randomUUID(),
        parent,
        properties: checked.properties,
        icon: body.icon ?? null,
        inTrash: false,
        created: now(),
      };
      pages.set(page.id, page);
      if (parent.type === 'page_id') adopt(parent.page_id, page.id);
      addBlocks(page.id, (body.children ?? []) as unknown[]);
      created.push(page.id);
      return { status: 200, body: pageView(page) };
    }),
    'retrieve-a-page': endpoint((request) => {
      const page = pages.get(idParam(request, 'page_id'));
      return page ? { status: 200, body: pageView(page) } : notFound(idParam(request, 'page_id'));
    }),
    'patch-page': endpoint((request) => {
      const page = pages.get(idParam(request, 'page_id'));
      if (!page) return notFound(idParam(request, 'page_id'));
      const body = bodyOf(request);
      const trash = body.in_trash ?? body.archived;
      if (page.inTrash && trash !== false) return archivedBlock();
      if (typeof trash === 'boolean') page.inTrash = trash;
      return { status: 200, body: pageView(page) };
    }),
    'patch-block-children': endpoint((request) => {
      const parentId = idParam(request, 'block_id');
      if (!live(parentId))
        return blocks.has(parentId) || pages.has(parentId) ? archivedBlock() : notFound(parentId);
      const ids = addBlocks(parentId, (bodyOf(request).children ?? []) as unknown[]);
      return {
        status: 200,
        body: {
          object: 'list',
          results: ids.map(blockView),
          next_cursor: null,
          has_more: false,
          type: 'block',
          block: {},
        },
      };
    }),
    'get-block-children': endpoint((request) => {
      const parentId = idParam(request, 'block_id');
      if (!blocks.has(parentId) && !pages.has(parentId)) return notFound(parentId);
      const items = (children.get(parentId) ?? [])
        .map(blockView)
        .filter(
          (block): block is Record<string, unknown> & { id: string } =>
            block !== undefined && block.in_trash !== true,
        );
      return {
        status: 200,
        body: {
          object: 'list',
          ...paginate(items, request.query.start_cursor, request.query.page_size),
          type: 'block',
          block: {},
        },
      };
    }),
    'retrieve-a-block': endpoint((request) => {
      const view = blockView(idParam(request, 'block_id'));
      return view ? { status: 200, body: view } : notFound(idParam(request, 'block_id'));
    }),
    'delete-a-block': endpoint((request) => {
      const id = idParam(request, 'block_id');
      const record = blocks.get(id) ?? pages.get(id) ?? databases.get(id);
      if (!record) return notFound(id);
      if (record.inTrash) return archivedBlock();
      record.inTrash = true;
      return { status: 200, body: blockView(id) };
    }),
    'retrieve-a-database': endpoint((request) => {
      const database = databases.get(idParam(request, 'database_id'));
      return database
        ? { status: 200, body: databaseView(database) }
        : notFound(idParam(request, 'database_id'));
    }),
    'retrieve-a-data-source': endpoint((request) => {
      const source = dataSources.get(idParam(request, 'data_source_id'));
      return source
        ? { status: 200, body: dataSourceView(source) }
        : notFound(idParam(request, 'data_source_id'));
    }),
    'query-data-source': endpoint((request) => {
      const source = dataSources.get(idParam(request, 'data_source_id'));
      if (!source) return notFound(idParam(request, 'data_source_id'));
      const body = bodyOf(request);
      let rows = [...pages.values()].filter(
        (page) =>
          !page.inTrash && page.parent.type === 'data_source_id' && page.parent.data_source_id === source.id,
      );
      if (body.filter) {
        const matches = filterOf(body.filter as Record<string, unknown>);
        if (!matches)
          return invalid('body.filter: only property filters with equals or contains are understood here.');
        rows = rows.filter((page) => matches(page.properties));
      }
      for (const sort of [...((body.sorts ?? []) as { property: string; direction: string }[])].reverse()) {
        const key = (page: PageRecord) => comparable(page.properties[sort.property]);
        rows.sort(
          (a, b) =>
            (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * (sort.direction === 'descending' ? -1 : 1),
        );
      }
      return {
        status: 200,
        body: {
          object: 'list',
          ...paginate(rows.map(pageView), body.start_cursor, body.page_size),
          type: 'page_or_data_source',
          page_or_data_source: {},
        },
      };
    }),
    // Not in the vendor's spec: served only by servers started with notionContractSpec().
    'create-database': endpoint((request) => {
      const body = bodyOf(request);
      const parentPageId = String((body.parent as { page_id?: string } | undefined)?.page_id ?? '');
      if (!pages.has(parentPageId)) return notFound(parentPageId);
      const columns = ((body.initial_data_source as { properties?: unknown } | undefined)?.properties ??
        {}) as Record<string, Record<string, unknown>>;
      if (Object.values(columns).filter((config) => 'title' in config).length !== 1) {
        return invalid('Title is not provided: a database needs exactly one title property.');
      }
      const database = createDatabaseRecord(
        parentPageId,
        plain(body.title),
        body.is_inline === true,
        columns,
      );
      return { status: 200, body: databaseView(database) };
    }),
  };

  const fake: NotionFake = {
    handlers,
    pages,
    blocks,
    databases,
    dataSources,
    children,
    created,
    pageSize: 100,
    answerNext: (operationId, response) => injected.set(operationId, response),
    titleOf,
    seedPage: (title) => {
      const page: PageRecord = {
        id: randomUUID(),
        parent: { type: 'workspace', workspace: true },
        properties: {
          title: { id: 'title', type: 'title', title: richTextOut([{ text: { content: title } }]) },
        },
        icon: null,
        inTrash: false,
        created: now(),
      };
      pages.set(page.id, page);
      return page.id;
    },
    seedDatabase: (parentPageId, title, columns) => {
      const database = createDatabaseRecord(
        parentPageId,
        title,
        true,
        Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, { [type]: {} }])),
      );
      return { databaseId: database.id, dataSourceId: database.dataSourceIds[0] ?? '' };
    },
  };
  return fake;
}

function emptyValue(type: string): unknown {
  if (
    type === 'title' ||
    type === 'rich_text' ||
    type === 'multi_select' ||
    type === 'people' ||
    type === 'relation'
  )
    return [];
  if (type === 'checkbox') return false;
  return null;
}

/** A property value as one comparable thing, for filters and sorts. */
function comparable(property: Record<string, unknown> | undefined): string | number | boolean {
  if (!property) return '';
  const value = property[String(property.type)];
  if (Array.isArray(value))
    return value
      .map((part: { plain_text?: string; name?: string }) => part.plain_text ?? part.name ?? '')
      .join('');
  if (value && typeof value === 'object')
    return String(
      (value as { name?: string; start?: string }).name ?? (value as { start?: string }).start ?? '',
    );
  return (value as string | number | boolean | null) ?? '';
}

/** The filters this fake understands: `{property, <type>: {equals | contains}}`, and `and` of those. */
function filterOf(
  filter: Record<string, unknown>,
): ((properties: PageRecord['properties']) => boolean) | undefined {
  if (Array.isArray(filter.and)) {
    const parts = (filter.and as Record<string, unknown>[]).map(filterOf);
    if (parts.some((part) => !part)) return undefined;
    return (properties) => parts.every((part) => part?.(properties));
  }
  const name = typeof filter.property === 'string' ? filter.property : undefined;
  const condition = Object.entries(filter).find(([key]) => key !== 'property')?.[1] as
    Record<string, unknown> | undefined;
  if (!name || !condition) return undefined;
  if ('equals' in condition) return (properties) => comparable(properties[name]) === condition.equals;
  if ('contains' in condition) {
    return (properties) => String(comparable(properties[name])).includes(String(condition.contains));
  }
  return undefined;
}
