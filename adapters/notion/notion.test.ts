import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { loadSpec } from '../../test/contract/load-spec.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { NOTION_TEST_TOKEN_PREFIX, createNotionFake, type NotionFake } from './contract-handlers.js';
import { notionContractSpec } from './contract-spec.js';
import { notionAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

const vendorTier =
  'contract server: @notionhq/notion-mcp-server scripts/notion-openapi.json (OpenAPI 3.1, API 2025-09-03)';
const supplementTier = `${vendorTier}, plus POST /v1/databases written from Notion's reference (contract-spec.ts)`;

const started: ContractServer[] = [];

/**
 * A contract server with a fresh fake workspace: on the vendor's spec as published, or with the
 * create-database operation it lacks (`withCreateDatabase`).
 */
async function startNotion(options: { withCreateDatabase?: boolean } = {}) {
  const fake = createNotionFake();
  const { 'create-database': createDatabase, ...vendorHandlers } = fake.handlers;
  const server = options.withCreateDatabase
    ? await startContractServer({
        spec: notionContractSpec(await loadSpec('notion')),
        handlers: { ...vendorHandlers, ...(createDatabase ? { 'create-database': createDatabase } : {}) },
      })
    : await startContractServer({ vendor: 'notion', handlers: vendorHandlers });
  started.push(server);
  return { fake, server };
}

/** A new token per runtime: each gets its own rate-limit bucket, as two integrations would. */
const envFor = (server: ContractServer) => ({
  NOTION_TOKEN: `${NOTION_TEST_TOKEN_PREFIX}${randomUUID()}`,
  NOTION_BASE_URL: server.url,
});

// Every request the adapter sent and every answer of the fake matched the spec, in every test.
afterEach(() => {
  for (const server of started) expect(server.violations.splice(0)).toEqual([]);
});

let conformance: { fake: NotionFake; pageId: string } | undefined;
testAdapter({
  adapter: notionAdapter,
  tier: vendorTier,
  start: async () => {
    const { fake, server } = await startNotion();
    conformance = { fake, pageId: fake.seedPage('Conformance') };
    return { env: envFor(server), stop: () => server.stop() };
  },
  get read() {
    return { operation: 'getPage', input: { pageId: conformance?.pageId ?? '' } };
  },
  write: {
    operation: 'createPage',
    get input() {
      return {
        parent: { pageId: conformance?.pageId ?? '' },
        title: 'Conformance report',
        blocks: [{ type: 'paragraph', text: 'written once' }],
      };
    },
    count: async () => conformance?.fake.created.length ?? 0,
  },
  notFound: { operation: 'getPage', input: { pageId: '0f3c1c3e-52a4-4c63-9d4e-2b8f0c1a7e55' } },
  badEnv: { NOTION_TOKEN: 'ntn_revoked_0000000000' },
});

/** Runs operations with a fresh token per test (see envFor) and reads what reached the server. */
function useRuntime(target: () => ContractServer) {
  const state: { tools?: TestToolRuntime } = {};
  beforeEach(() => {
    state.tools = createTestToolRuntime([notionAdapter], envFor(target()));
  });
  afterEach(async () => {
    await state.tools?.close();
  });
  return {
    call: async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
      (
        await (state.tools as TestToolRuntime).runtime.invoke({
          tenantId: 'default',
          tool: 'notion',
          operation,
          input,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        })
      ).output as T,
    bodiesOf: (operationId: string) =>
      target()
        .calls.filter((c) => c.operationId === operationId)
        .map((c) => c.body as Record<string, unknown>),
  };
}

const paragraphs = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, i) => ({ type: 'paragraph' as const, text: `${prefix} ${i + 1}` }));

describe(`notion adapter operations (${vendorTier})`, () => {
  let fake: NotionFake;
  let server: ContractServer;
  const { call, bodiesOf } = useRuntime(() => server);

  beforeAll(async () => {
    ({ fake, server } = await startNotion());
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('createPage under a page sends 150 blocks as 100 children plus one append, in order; archivePage trashes it, twice', async () => {
    const parentId = fake.seedPage('Releases');
    const head = [
      { type: 'heading_1', text: 'Release 1.2.3' },
      { type: 'to_do', text: 'Tell support', checked: true },
      { type: 'code', text: 'npm i somagent@1.2.3', language: 'shell' },
      { type: 'divider' },
      ...paragraphs(96, 'note'),
    ];
    const tail = paragraphs(50, 'more').map((block) => ({ ...block, type: 'bulleted_list_item' as const }));
    // A page URL, as people paste it, names the parent as well as its id does.
    const parentUrl = `https://www.notion.so/Releases-${parentId.replace(/-/g, '')}?pvs=4`;
    const created = await call<{ pageId: string; url: string }>('createPage', {
      parent: { pageId: parentUrl },
      title: 'Release notes 1.2.3',
      icon: '🚀',
      blocks: [...head, ...tail],
    });
    expect(created.url).toContain(created.pageId.replace(/-/g, ''));

    const sent = bodiesOf('post-page').at(-1) ?? {};
    expect(sent.parent).toEqual({ page_id: parentId });
    expect(sent.properties).toEqual({
      title: { title: [{ type: 'text', text: { content: 'Release notes 1.2.3' } }] },
    });
    expect(sent.icon).toEqual({ type: 'emoji', emoji: '🚀' });
    expect(sent.children).toHaveLength(100);
    expect((sent.children as unknown[]).slice(0, 4)).toEqual([
      { type: 'heading_1', heading_1: { rich_text: [{ type: 'text', text: { content: 'Release 1.2.3' } }] } },
      {
        type: 'to_do',
        to_do: { rich_text: [{ type: 'text', text: { content: 'Tell support' } }], checked: true },
      },
      {
        type: 'code',
        code: { rich_text: [{ type: 'text', text: { content: 'npm i somagent@1.2.3' } }], language: 'shell' },
      },
      { type: 'divider', divider: {} },
    ]);
    expect(bodiesOf('patch-block-children').at(-1)?.children).toHaveLength(50);
    const stored = (fake.children.get(created.pageId) ?? []).map((id) => fake.blocks.get(id)?.type);
    expect(stored).toHaveLength(150);
    expect(stored.slice(0, 5)).toEqual(['heading_1', 'to_do', 'code', 'divider', 'paragraph']);
    expect(stored.at(-1)).toBe('bulleted_list_item');
    expect(fake.titleOf(created.pageId)).toBe('Release notes 1.2.3');

    const page = await call<{ title: string; inTrash: boolean; parent: { type: string; id: string } }>(
      'getPage',
      {
        pageId: created.pageId.replace(/-/g, ''),
      },
    );
    expect(page).toMatchObject({
      title: 'Release notes 1.2.3',
      inTrash: false,
      parent: { type: 'page_id', id: parentId },
    });

    const compensation = notionAdapter.operations.createPage?.compensate;
    expect(compensation?.operation).toBe('archivePage');
    const archiveInput = compensation?.input({}, created);
    expect(await call('archivePage', archiveInput)).toEqual({ pageId: created.pageId, inTrash: true });
    expect(fake.pages.get(created.pageId)?.inTrash).toBe(true);
    expect(bodiesOf('patch-page').at(-1)).toEqual({ in_trash: true });
    // Notion refuses to edit a trashed page; the retry sees it is in the trash and is done.
    expect(await call('archivePage', archiveInput)).toEqual({ pageId: created.pageId, inTrash: true });
    expect(server.calls.at(-1)).toMatchObject({ operationId: 'retrieve-a-page', status: 200 });
  });

  it('listBlocks follows every cursor; appendBlocks and deleteBlocks (its compensation) add and trash blocks', async () => {
    const pageId = fake.seedPage('Runbook');
    fake.pageSize = 4;
    try {
      const appended = await call<{ blockIds: string[] }>('appendBlocks', {
        blockId: pageId,
        blocks: [...paragraphs(9, 'step'), { type: 'bulleted_list_item', text: 'rollback' }],
      });
      expect(appended.blockIds).toHaveLength(10);
      const listed = await call<{ blocks: { id: string; type: string; text?: string }[] }>('listBlocks', {
        blockId: pageId,
      });
      expect(listed.blocks.map((block) => block.text)).toEqual([
        ...paragraphs(9, 'step').map((b) => b.text),
        'rollback',
      ]);
      expect(listed.blocks.map((block) => block.id)).toEqual(appended.blockIds);
      expect(
        server.calls
          .filter((c) => c.operationId === 'get-block-children')
          .slice(-3)
          .map((c) => c.query),
      ).toEqual([
        { page_size: 100 },
        { page_size: 100, start_cursor: appended.blockIds[4] },
        { page_size: 100, start_cursor: appended.blockIds[8] },
      ]);

      const compensation = notionAdapter.operations.appendBlocks?.compensate;
      expect(compensation?.operation).toBe('deleteBlocks');
      const deleteInput = compensation?.input({}, { blockIds: appended.blockIds.slice(0, 2) });
      expect(await call('deleteBlocks', deleteInput)).toEqual({ blockIds: appended.blockIds.slice(0, 2) });
      expect(await call('deleteBlocks', deleteInput)).toEqual({ blockIds: appended.blockIds.slice(0, 2) });
      const after = await call<{ blocks: { id: string }[] }>('listBlocks', { blockId: pageId });
      expect(after.blocks.map((block) => block.id)).toEqual(appended.blockIds.slice(2));
    } finally {
      fake.pageSize = 100;
    }
  });

  it('addRow turns simple values into typed properties of the database; createPage takes a database parent too', async () => {
    const parentId = fake.seedPage('Team');
    const { databaseId, dataSourceId } = fake.seedDatabase(parentId, 'Tasks', {
      Name: 'title',
      Status: 'select',
      Points: 'number',
      Done: 'checkbox',
      Tags: 'multi_select',
      Due: 'date',
      Link: 'url',
      Owner: 'people',
    });
    const row = await call<{ pageId: string }>('addRow', {
      databaseId: databaseId.replace(/-/g, ''),
      properties: {
        Name: 'Fix login',
        Status: 'In progress',
        Points: 3,
        Done: false,
        Tags: ['auth', 'web'],
        Due: '2026-03-01',
        Link: 'https://example.com/issue/1',
        Owner: ['5389a034-eb5c-47b5-8a9e-f79c99ef166c'],
      },
    });
    const sent = bodiesOf('post-page').at(-1) ?? {};
    expect(sent.parent).toEqual({ database_id: databaseId });
    expect(sent.properties).toEqual({
      Name: { title: [{ type: 'text', text: { content: 'Fix login' } }] },
      Status: { select: { name: 'In progress' } },
      Points: { number: 3 },
      Done: { checkbox: false },
      Tags: { multi_select: [{ name: 'auth' }, { name: 'web' }] },
      Due: { date: { start: '2026-03-01' } },
      Link: { url: 'https://example.com/issue/1' },
      Owner: { people: [{ id: '5389a034-eb5c-47b5-8a9e-f79c99ef166c' }] },
    });
    expect(server.calls.slice(-3).map((c) => c.operationId)).toEqual([
      'retrieve-a-database',
      'retrieve-a-data-source',
      'post-page',
    ]);
    expect(fake.pages.get(row.pageId)?.parent).toEqual({
      type: 'data_source_id',
      data_source_id: dataSourceId,
      database_id: databaseId,
    });

    const viaCreatePage = await call<{ pageId: string }>('createPage', {
      parent: { databaseId },
      title: 'Write docs',
      properties: { Points: 1 },
    });
    expect(bodiesOf('post-page').at(-1)?.properties).toEqual({
      Name: { title: [{ type: 'text', text: { content: 'Write docs' } }] },
      Points: { number: 1 },
    });
    expect(fake.titleOf(viaCreatePage.pageId)).toBe('Write docs');

    const posts = server.count('post-page');
    const unknown = await toolErrorOf(call('addRow', { databaseId, properties: { Priority: 'high' } }));
    expect(unknown.category).toBe('invalid_input');
    expect(unknown.message).toMatch(/no property "Priority"; it has: Name, Status, Points/);
    const wrongType = await toolErrorOf(call('addRow', { databaseId, properties: { Points: 'three' } }));
    expect(wrongType.message).toContain('property "Points" is number');
    const pageParent = await toolErrorOf(
      call('createPage', { parent: { pageId: parentId }, title: 'x', properties: { a: 1 } }),
    );
    expect(pageParent.category).toBe('invalid_input');
    const noTarget = await toolErrorOf(call('addRow', { properties: {} }));
    expect(noTarget.category).toBe('invalid_input');
    expect(server.count('post-page')).toBe(posts);
  });

  it('queryDatabase reads every page of rows as plain values, filtered, sorted, or capped at maxRows', async () => {
    const parentId = fake.seedPage('Sprint');
    const { databaseId, dataSourceId } = fake.seedDatabase(parentId, 'Backlog', {
      Task: 'title',
      Status: 'select',
      Points: 'number',
    });
    const statuses = ['Todo', 'Done', 'Todo', 'Done', 'Todo', 'Done', 'Todo'];
    for (const [i, status] of statuses.entries()) {
      await call('addRow', {
        databaseId,
        properties: { Task: `Task ${i + 1}`, Status: status, Points: i + 1 },
      });
    }
    fake.pageSize = 3;
    try {
      const queries = server.count('query-data-source');
      const all = await call<{
        dataSourceId: string;
        rows: { properties: Record<string, unknown> }[];
        truncated: boolean;
      }>('queryDatabase', { databaseId });
      expect(all.dataSourceId).toBe(dataSourceId);
      expect(all.truncated).toBe(false);
      expect(all.rows.map((row) => row.properties)).toEqual(
        statuses.map((status, i) => ({ Task: `Task ${i + 1}`, Status: status, Points: i + 1 })),
      );
      expect(server.count('query-data-source') - queries).toBe(3);

      const done = await call<{ rows: { properties: { Task: string } }[] }>('queryDatabase', {
        dataSourceId,
        filter: { property: 'Status', select: { equals: 'Done' } },
        sorts: [{ property: 'Points', direction: 'descending' }],
      });
      expect(done.rows.map((row) => row.properties.Task)).toEqual(['Task 6', 'Task 4', 'Task 2']);
      expect(bodiesOf('query-data-source').at(-1)).toMatchObject({
        filter: { property: 'Status', select: { equals: 'Done' } },
        sorts: [{ property: 'Points', direction: 'descending' }],
      });

      const capped = await call<{ rows: unknown[]; truncated: boolean }>('queryDatabase', {
        databaseId,
        maxRows: 5,
      });
      expect(capped.rows).toHaveLength(5);
      expect(capped.truncated).toBe(true);
    } finally {
      fake.pageSize = 100;
    }

    // A database with two data sources cannot stand for one of them.
    const second = fake.seedDatabase(parentId, 'Other', { Name: 'title' });
    fake.databases.get(databaseId)?.dataSourceIds.push(second.dataSourceId);
    const ambiguous = await toolErrorOf(call('queryDatabase', { databaseId }));
    expect(ambiguous.category).toBe('invalid_input');
    expect(ambiguous.message).toContain(second.dataSourceId);
  });

  it("maps Notion's 404, 429 with Retry-After and 503 to not_found, rate_limited and transient", async () => {
    const missing = await toolErrorOf(call('archivePage', { pageId: randomUUID() }));
    expect(missing).toMatchObject({ category: 'not_found', retryable: false, details: { status: 404 } });

    const parentId = fake.seedPage('Limits');
    fake.answerNext('post-page', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { object: 'error', status: 429, code: 'rate_limited', message: 'You have been rate limited.' },
    });
    const limited = await toolErrorOf(call('createPage', { parent: { pageId: parentId }, title: 'x' }));
    expect(limited).toMatchObject({
      category: 'rate_limited',
      retryable: true,
      details: { status: 429, retryAfterMs: 1000 },
    });

    fake.answerNext('post-page', {
      status: 503,
      body: { object: 'error', status: 503, code: 'service_unavailable', message: 'Notion is unavailable.' },
    });
    const outage = await toolErrorOf(call('createPage', { parent: { pageId: parentId }, title: 'x' }));
    expect(outage).toMatchObject({ category: 'transient', retryable: true });

    const bad = await toolErrorOf(call('getPage', { pageId: 'not-an-id' }));
    expect(bad.category).toBe('invalid_input');
  });
});

describe(`notion createDatabase (${supplementTier})`, () => {
  let fake: NotionFake;
  let server: ContractServer;
  const { call, bodiesOf } = useRuntime(() => server);

  beforeAll(async () => {
    ({ fake, server } = await startNotion({ withCreateDatabase: true }));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('creates a database with typed columns, takes rows into it, and archives it (its compensation), twice', async () => {
    const parentId = fake.seedPage('Projects');
    const created = await call<{ databaseId: string; dataSourceId: string; url: string }>('createDatabase', {
      parentPageId: parentId,
      title: 'Risks',
      properties: {
        Severity: { type: 'select', options: ['low', 'high'] },
        Score: 'number',
        Mitigated: 'checkbox',
      },
    });
    expect(bodiesOf('create-database').at(-1)).toEqual({
      parent: { type: 'page_id', page_id: parentId },
      title: [{ type: 'text', text: { content: 'Risks' } }],
      is_inline: false,
      initial_data_source: {
        properties: {
          Name: { title: {} },
          Severity: { select: { options: [{ name: 'low' }, { name: 'high' }] } },
          Score: { number: {} },
          Mitigated: { checkbox: {} },
        },
      },
    });
    expect(fake.databases.get(created.databaseId)?.dataSourceIds).toEqual([created.dataSourceId]);

    await call('addRow', {
      databaseId: created.databaseId,
      properties: { Name: 'Vendor lock-in', Severity: 'high', Score: 8 },
    });
    const rows = await call<{ rows: { properties: Record<string, unknown> }[] }>('queryDatabase', {
      databaseId: created.databaseId,
    });
    expect(rows.rows.map((row) => row.properties)).toEqual([
      { Name: 'Vendor lock-in', Severity: 'high', Score: 8, Mitigated: false },
    ]);

    const twoTitles = await toolErrorOf(
      call('createDatabase', { parentPageId: parentId, title: 'x', properties: { A: 'title', B: 'title' } }),
    );
    expect(twoTitles.category).toBe('invalid_input');

    const compensation = notionAdapter.operations.createDatabase?.compensate;
    expect(compensation?.operation).toBe('archiveDatabase');
    const archiveInput = compensation?.input({}, created);
    expect(await call('archiveDatabase', archiveInput)).toEqual({
      databaseId: created.databaseId,
      inTrash: true,
    });
    expect(fake.databases.get(created.databaseId)?.inTrash).toBe(true);
    expect(await call('archiveDatabase', archiveInput)).toEqual({
      databaseId: created.databaseId,
      inTrash: true,
    });
  });
});

const liveToken = process.env.NOTION_TOKEN;
const liveParent = process.env.NOTION_LIVE_PARENT_PAGE;
describe.skipIf(!liveToken)('notion adapter live (NOTION_TOKEN set)', () => {
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown) =>
    (await tools.runtime.invoke({ tenantId: 'default', tool: 'notion', operation, input })).output as T;

  beforeAll(() => {
    // The real Notion, whatever NOTION_BASE_URL says elsewhere.
    tools = createTestToolRuntime([notionAdapter], { NOTION_TOKEN: liveToken ?? '' });
  });
  afterAll(async () => {
    await tools?.close();
  });

  it('authenticates', async () => {
    expect(await tools.runtime.checkConnection('default', 'notion')).toEqual({ reachable: true });
  });

  it.skipIf(!liveParent)(
    'creates a page, a database and a row under NOTION_LIVE_PARENT_PAGE, reads them, trashes them',
    async () => {
      const parentPageId = liveParent ?? '';
      const page = await call<{ pageId: string }>('createPage', {
        parent: { pageId: parentPageId },
        title: `SomaGent live test ${new Date().toISOString()}`,
        blocks: [
          { type: 'heading_2', text: 'Live test' },
          { type: 'paragraph', text: 'Created by notion.test.ts' },
        ],
      });
      await call('appendBlocks', {
        blockId: page.pageId,
        blocks: [{ type: 'bulleted_list_item', text: 'appended' }],
      });
      const listed = await call<{ blocks: { text?: string }[] }>('listBlocks', { blockId: page.pageId });
      expect(listed.blocks.map((block) => block.text)).toEqual([
        'Live test',
        'Created by notion.test.ts',
        'appended',
      ]);
      const database = await call<{ databaseId: string }>('createDatabase', {
        parentPageId: page.pageId,
        title: 'Live rows',
        properties: { Points: 'number' },
      });
      await call('addRow', { databaseId: database.databaseId, properties: { Name: 'one', Points: 1 } });
      const rows = await call<{ rows: { properties: Record<string, unknown> }[] }>('queryDatabase', {
        databaseId: database.databaseId,
      });
      expect(rows.rows.map((row) => row.properties)).toEqual([{ Name: 'one', Points: 1 }]);
      await call('archiveDatabase', { databaseId: database.databaseId });
      expect(await call('archivePage', { pageId: page.pageId })).toEqual({
        pageId: page.pageId,
        inTrash: true,
      });
    },
  );
});
if (!liveToken) {
  console.info(
    'notion live test skipped: set NOTION_TOKEN (an integration secret) to run it, and NOTION_LIVE_PARENT_PAGE ' +
      '(a page id or URL shared with the integration) to also create, read and trash pages and a database under it',
  );
}
