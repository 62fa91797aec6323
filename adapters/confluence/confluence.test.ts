import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { loadSpec } from '../../test/contract/load-spec.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import {
  CONFLUENCE_TEST_EMAIL,
  CONFLUENCE_TEST_TOKEN,
  createConfluenceFake,
  type ConfluenceFake,
} from './contract-handlers.js';
import { confluenceContractSpec } from './contract-spec.js';
import { confluenceAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';
import { expectNoViolationsAfterEach } from '../../test/contract/no-violations.js';

const servers: ContractServer[] = [];
async function startConfluence(fake: ConfluenceFake) {
  const server = await startContractServer({ spec: await confluenceContractSpec(), handlers: fake.handlers });
  servers.push(server);
  const env = {
    CONFLUENCE_BASE_URL: server.origin,
    CONFLUENCE_EMAIL: CONFLUENCE_TEST_EMAIL,
    CONFLUENCE_API_TOKEN: CONFLUENCE_TEST_TOKEN,
  };
  return { server, env };
}

// Every exchange of every test, conformance included, must keep to Atlassian's v2 schema.
expectNoViolationsAfterEach(servers);

let conformanceFake: ConfluenceFake | undefined;
let conformancePage = '';

testAdapter({
  adapter: confluenceAdapter,
  tier: "contract server on Atlassian's Confluence REST v2 OpenAPI 3.0.3 (pages only; v1 calls are live-only)",
  start: async () => {
    conformanceFake = createConfluenceFake();
    conformancePage = conformanceFake.seedPage(conformanceFake.seedSpace('DEV'), 'Runbook').id;
    const { server, env } = await startConfluence(conformanceFake);
    return { env, stop: () => server.stop() };
  },
  get read() {
    return { operation: 'getPage', input: { pageId: conformancePage } };
  },
  // createPage cannot be the repeated write here: Confluence refuses a second page with the same
  // title in a space. Its recover is tested below; updatePage counts versions on the server.
  write: {
    operation: 'updatePage',
    get input() {
      return { pageId: conformancePage, body: '<p>Updated by the conformance suite</p>' };
    },
    count: async () => conformanceFake?.versionsWritten ?? 0,
    identify: (output) => (output as { pageId: string }).pageId,
  },
  notFound: { operation: 'getPage', input: { pageId: '404404404' } },
  badEnv: { CONFLUENCE_API_TOKEN: 'ATATT-revoked-token' },
});

describe('confluence adapter against the contract server (REST v2)', () => {
  let fake: ConfluenceFake;
  let server: ContractServer;
  let tools: TestToolRuntime;
  let spaceId: string;
  const invoke = (operation: string, input: unknown, idempotencyKey?: string) =>
    tools.runtime.invoke({
      tenantId: 'default',
      tool: 'confluence',
      operation,
      input,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (await invoke(operation, input, idempotencyKey)).output as T;
  const sent = (operationId: string) => server.calls.filter((c) => c.operationId === operationId);

  beforeAll(async () => {
    fake = createConfluenceFake();
    spaceId = fake.seedSpace('ENG');
    const started = await startConfluence(fake);
    server = started.server;
    tools = createTestToolRuntime([confluenceAdapter], started.env);
  });
  afterAll(async () => {
    await tools?.close();
    await server?.stop();
  });

  it('creates a page under a parent with a storage-format body, and reads it back with its labels', async () => {
    const parent = fake.seedPage(spaceId, 'Releases');
    const created = await call<{ pageId: string; version: number; webUrl: string; parentId: string }>(
      'createPage',
      { spaceId, title: 'Release 1.4.0', body: '<p>Highlights</p>', parentId: parent.id },
      'wf-1:notes',
    );
    expect(created).toMatchObject({ version: 1, parentId: parent.id });
    expect(created.webUrl).toBe(`${server.origin}/wiki/spaces/ENG/pages/${created.pageId}/Release+1.4.0`);
    const [request] = sent('createPage');
    expect(request?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${CONFLUENCE_TEST_EMAIL}:${CONFLUENCE_TEST_TOKEN}`).toString('base64')}`,
    );
    expect(request?.body).toEqual({
      spaceId,
      status: 'current',
      title: 'Release 1.4.0',
      parentId: parent.id,
      body: { representation: 'storage', value: '<p>Highlights</p>' },
    });

    const stored = fake.pages.get(created.pageId);
    if (stored) stored.labels.push('release');
    const read = await call<{ body: string; labels: string[]; title: string }>('getPage', {
      pageId: created.pageId,
    });
    expect(read).toMatchObject({ title: 'Release 1.4.0', body: '<p>Highlights</p>', labels: ['release'] });
    expect(sent('getPageById')[0]?.query).toEqual({ 'body-format': 'storage', 'include-labels': true });
  });

  it('recovers an interrupted createPage by finding the page by title in the space, without creating another', async () => {
    const key = `wf-2:page:${Date.now()}`;
    const input = { spaceId, title: `Retro ${key}`, body: '<p>What went well</p>' };
    const first = await call<{ pageId: string }>('createPage', input, key);
    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );
    server.reset();
    const retried = await invoke('createPage', input, key);
    expect(retried.replayed).toBe(true);
    expect((retried.output as { pageId: string }).pageId).toBe(first.pageId);
    expect(sent('createPage')).toHaveLength(0);
    expect(sent('getPages')[0]?.query).toMatchObject({ title: input.title, status: ['current'] });
    expect([...fake.pages.values()].filter((p) => p.title === input.title)).toHaveLength(1);
  });

  it('refuses a second page with the same title as invalid input, and frees the idempotency key', async () => {
    fake.seedPage(spaceId, 'Onboarding');
    const error = await toolErrorOf(
      invoke('createPage', { spaceId, title: 'Onboarding', body: '<p>x</p>' }, 'wf-3:dup'),
    );
    expect(error).toMatchObject({ category: 'invalid_input', details: { status: 400 } });
    const { rowCount } = await tools.pool.query(
      "select 1 from tool_side_effects where idempotency_key = 'wf-3:dup'",
    );
    expect(rowCount).toBe(0);
  });

  it('updates a page by reading its version and writing version + 1, keeping the title', async () => {
    const page = fake.seedPage(spaceId, 'Architecture', '<p>v1</p>');
    const updated = await call<{ version: number; title: string }>('updatePage', {
      pageId: page.id,
      body: '<p>v2</p>',
      versionMessage: 'sync from repo',
    });
    expect(updated).toMatchObject({ version: 2, title: 'Architecture' });
    expect(server.calls.map((c) => c.operationId)).toEqual(['getPageById', 'updatePage']);
    expect(sent('updatePage')[0]?.body).toEqual({
      id: page.id,
      status: 'current',
      title: 'Architecture',
      body: { representation: 'storage', value: '<p>v2</p>' },
      version: { number: 2, message: 'sync from repo' },
    });
    expect(fake.pages.get(page.id)).toMatchObject({ body: '<p>v2</p>', version: 2 });
  });

  it('reads again and writes once more when someone saved in between (409 on a stale version)', async () => {
    const page = fake.seedPage(spaceId, 'Glossary', '<p>v1</p>');
    fake.answerNext('updatePage', {
      status: 409,
      body: { errors: [{ status: 409, code: 'CONFLICT', title: 'Version must be incremented on update.' }] },
    });
    const updated = await call<{ version: number }>('updatePage', {
      pageId: page.id,
      body: '<p>ours</p>',
      title: 'Glossary (new)',
    });
    expect(updated.version).toBe(2);
    expect(server.calls.map((c) => [c.operationId, c.status])).toEqual([
      ['getPageById', 200],
      ['updatePage', 409],
      ['getPageById', 200],
      ['updatePage', 200],
    ]);
    expect(fake.pages.get(page.id)?.title).toBe('Glossary (new)');
  });

  it('deletes a page as the compensation of createPage; a second delete finds it gone', async () => {
    const input = { spaceId, title: 'Scratch', body: '<p>temp</p>' };
    const created = await call<{ pageId: string }>('createPage', input);
    const compensation = confluenceAdapter.operations.createPage?.compensate;
    expect(compensation?.operation).toBe('deletePage');
    const undo = compensation?.input(input, created);
    expect(await call('deletePage', undo)).toEqual({ pageId: created.pageId, deleted: true });
    expect(fake.pages.get(created.pageId)?.status).toBe('trashed');
    expect(await call('deletePage', undo)).toEqual({ pageId: created.pageId, deleted: false });
  });

  it('maps a 429 with Retry-After to rate_limited', async () => {
    const page = fake.seedPage(spaceId, 'Busy');
    fake.answerNext('getPageById', { status: 429, headers: { 'retry-after': '1' } });
    const error = await toolErrorOf(invoke('getPage', { pageId: page.id }));
    expect(error).toMatchObject({ category: 'rate_limited', details: { status: 429, retryAfterMs: 1000 } });
  });

  it('uses v1 for uploads, label writes and CQL search because the v2 spec has none of them', async () => {
    const doc = await loadSpec('confluence');
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(
      operations.filter((op) => /attachment/.test(op) && /^(POST|PUT) /.test(op) && !/propert/.test(op)),
    ).toEqual([]);
    expect(operations.filter((op) => /label/i.test(op) && /^(POST|PUT) /.test(op))).toEqual([]);
    expect(operations.filter((op) => /search/.test(op))).toEqual([]);
    expect(operations).toContain('GET /pages/{id}/labels');
  });
});

const live = Boolean(process.env.CONFLUENCE_API_TOKEN);
describe.skipIf(!live)(
  'confluence adapter live (CONFLUENCE_BASE_URL, CONFLUENCE_EMAIL, CONFLUENCE_API_TOKEN set)',
  () => {
    const env = process.env as Record<string, string>;
    const sandbox = process.env.CONFLUENCE_LIVE_SPACE;

    it('reaches the site and runs a CQL search (v1)', async () => {
      const tools = createTestToolRuntime([confluenceAdapter], env);
      try {
        expect(await tools.runtime.checkConnection('default', 'confluence')).toEqual({ reachable: true });
        const found = await tools.runtime.invoke({
          tenantId: 'default',
          tool: 'confluence',
          operation: 'searchCql',
          input: { cql: 'type = page order by lastmodified desc', limit: 3 },
        });
        expect((found.output as { results: unknown[] }).results.length).toBeLessThanOrEqual(3);
      } finally {
        await tools.close();
      }
    });

    it.skipIf(!sandbox)(
      'creates, updates, labels, attaches to and deletes a page in CONFLUENCE_LIVE_SPACE (a space id)',
      async () => {
        const tools = createTestToolRuntime([confluenceAdapter], env);
        const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
          (
            await tools.runtime.invoke({
              tenantId: 'default',
              tool: 'confluence',
              operation,
              input,
              ...(idempotencyKey ? { idempotencyKey } : {}),
            })
          ).output as T;
        let pageId: string | undefined;
        try {
          const title = `SomaGent live test ${new Date().toISOString()}`;
          ({ pageId } = await call<{ pageId: string }>(
            'createPage',
            { spaceId: sandbox, title, body: '<p>v1</p>' },
            `live:${title}`,
          ));
          expect(await call('updatePage', { pageId, body: '<p>v2</p>' })).toMatchObject({ version: 2 });
          expect(
            (await call<{ labels: string[] }>('addLabels', { pageId, labels: ['SomaGent-Live'] })).labels,
          ).toContain('somagent-live');
          const attached = await call<{ title: string; fileSize: number }>('attachFile', {
            pageId,
            fileName: 'report.txt',
            contentType: 'text/plain',
            text: 'all green',
          });
          expect(attached).toMatchObject({ title: 'report.txt', fileSize: 9 });
          const read = await call<{ body: string; labels: string[] }>('getPage', { pageId });
          expect(read.body).toContain('v2');
          expect(read.labels).toContain('somagent-live');
        } finally {
          if (pageId) await call('deletePage', { pageId });
          await tools.close();
        }
      },
    );
  },
);
if (!live) {
  console.info(
    'confluence live test skipped: set CONFLUENCE_BASE_URL, CONFLUENCE_EMAIL and CONFLUENCE_API_TOKEN to run it ' +
      '(and CONFLUENCE_LIVE_SPACE, a space id, to also create, label, attach to and delete a page there)',
  );
}
