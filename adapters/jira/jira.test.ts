import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { loadSpec } from '../../test/contract/load-spec.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { textToAdf } from './adf.js';
import { FakeJira } from './contract-handlers.js';
import { idempotencyLabel } from './idempotency-label.js';
import { jiraAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

const credentials = { email: 'bot@example.com', apiToken: 'jira-contract-token-7f3a9c' };
const projects = { SOMA: ['Task', 'Bug', 'Story', 'Epic', 'Subtask'], OPS: ['Task'] };

/** Every contract server this file runs; each test must leave none of them with a violation. */
const running = new Set<ContractServer>();

async function startFakeJira() {
  const fake = new FakeJira(await loadSpec('jira'), { ...credentials, projects });
  const server = await startContractServer({ vendor: 'jira', handlers: fake.handlers() });
  running.add(server);
  const env = {
    JIRA_BASE_URL: server.url,
    JIRA_EMAIL: credentials.email,
    JIRA_API_TOKEN: credentials.apiToken,
  };
  const stop = async () => {
    running.delete(server);
    await server.stop();
  };
  return { fake, server, env, stop };
}

afterEach(() => {
  for (const server of running) {
    const violations = [...server.violations];
    server.reset();
    expect(violations).toEqual([]);
  }
});

let conformance: Awaited<ReturnType<typeof startFakeJira>>;
testAdapter({
  adapter: jiraAdapter,
  tier: 'contract server: ../shared/specs/jira/platform.v3.json',
  start: async () => {
    conformance = await startFakeJira();
    return { env: conformance.env, stop: conformance.stop };
  },
  read: { operation: 'searchIssues', input: { jql: 'project = SOMA' } },
  write: {
    operation: 'createIssue',
    input: { projectKey: 'SOMA', summary: 'Conformance issue', issueType: 'Task', labels: ['conformance'] },
    count: async () => conformance.fake.issues.size,
    identify: (output) => (output as { key: string }).key,
  },
  notFound: { operation: 'getIssue', input: { issueKey: 'SOMA-9999' } },
  badEnv: { JIRA_API_TOKEN: 'not-the-token' },
});

describe('jira adapter against the contract server (Jira Cloud platform v3 spec)', () => {
  let jira: Awaited<ReturnType<typeof startFakeJira>>;
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'jira',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  const bodiesOf = (operationId: string) =>
    jira.server.calls
      .filter((c) => c.operationId === operationId)
      .map((c) => c.body as Record<string, unknown>);

  beforeAll(async () => {
    jira = await startFakeJira();
    tools = createTestToolRuntime([jiraAdapter], jira.env);
  });
  afterAll(async () => {
    await tools?.close();
    await jira?.stop();
  });

  it('creates an issue: plain text becomes ADF paragraphs, labels include the idempotency label', async () => {
    const created = await call<{ id: string; key: string; url: string }>(
      'createIssue',
      {
        projectKey: 'SOMA',
        summary: 'Checkout fails for guests',
        description: 'Steps:\nopen cart\npay\n\nExpected: receipt',
        issueType: 'Bug',
        labels: ['checkout'],
      },
      'wf-1:create-bug',
    );
    expect(created.key).toMatch(/^SOMA-\d+$/);
    expect(created.url).toBe(`${jira.server.url}/browse/${created.key}`);
    const [sent] = bodiesOf('createIssue');
    expect(sent?.fields).toEqual({
      project: { key: 'SOMA' },
      summary: 'Checkout fails for guests',
      issuetype: { name: 'Bug' },
      labels: ['checkout', idempotencyLabel('wf-1:create-bug')],
      description: {
        type: 'doc',
        version: 1,
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'Steps:' },
              { type: 'hardBreak' },
              { type: 'text', text: 'open cart' },
              { type: 'hardBreak' },
              { type: 'text', text: 'pay' },
            ],
          },
          { type: 'paragraph', content: [{ type: 'text', text: 'Expected: receipt' }] },
        ],
      },
    });
    expect(jira.fake.find(created.key)).toMatchObject({ issueType: 'Bug', status: 'To Do' });
  });

  it('sends an ADF description as given, and custom fields by id', async () => {
    const adf = {
      type: 'doc',
      version: 1,
      content: [
        {
          type: 'heading',
          attrs: { level: 2 },
          content: [{ type: 'text', text: 'Scope', marks: [{ type: 'strong' }] }],
        },
      ],
    };
    const created = await call<{ key: string }>('createIssue', {
      projectKey: 'SOMA',
      summary: 'Rich text',
      description: adf,
      fields: { customfield_10016: 5 },
    });
    expect(bodiesOf('createIssue')[0]?.fields).toMatchObject({ description: adf, customfield_10016: 5 });
    expect(jira.fake.find(created.key)?.custom).toEqual({ customfield_10016: 5 });
  });

  it("reports Jira's field errors as invalid_input and creates nothing", async () => {
    const before = jira.fake.issues.size;
    const error = await toolErrorOf(
      call('createIssue', { projectKey: 'SOMA', summary: 'x', issueType: 'Spaceship' }),
    );
    expect(error.category).toBe('invalid_input');
    expect(error.message).toContain('issuetype: Specify a valid issue type');
    expect(jira.fake.issues.size).toBe(before);
  });

  it('creates an epic, and a story under it', async () => {
    const epic = await call<{ key: string }>('createEpic', { projectKey: 'SOMA', summary: 'Guest checkout' });
    const story = await call<{ key: string }>('createIssue', {
      projectKey: 'SOMA',
      summary: 'Guest pays by card',
      issueType: 'Story',
      parentKey: epic.key,
    });
    expect(bodiesOf('createIssue').map((body) => (body.fields as { issuetype: unknown }).issuetype)).toEqual([
      { name: 'Epic' },
      { name: 'Story' },
    ]);
    expect(jira.fake.find(epic.key)?.issueType).toBe('Epic');
    expect(jira.fake.find(story.key)?.parentKey).toBe(epic.key);
    const read = await call<{ parentKey?: string; issueType?: string }>('getIssue', { issueKey: story.key });
    expect(read).toMatchObject({ parentKey: epic.key, issueType: 'Story' });
  });

  it('bulk-creates issues in one request, reports the failed one by index, and compensates by deleting', async () => {
    const result = await call<{
      issues: { index: number; key: string }[];
      errors: { index: number; message: string }[];
    }>(
      'bulkCreateIssues',
      {
        issues: [
          { projectKey: 'SOMA', summary: 'Bulk one' },
          { projectKey: 'SOMA', summary: 'Bulk broken', issueType: 'Nope' },
          { projectKey: 'OPS', summary: 'Bulk three', labels: ['ops'] },
        ],
      },
      'wf-2:bulk',
    );
    expect(jira.server.count('createIssues')).toBe(1);
    expect(bodiesOf('createIssues')[0]?.issueUpdates).toHaveLength(3);
    expect(result.issues.map((issue) => [issue.index, jira.fake.find(issue.key)?.summary])).toEqual([
      [0, 'Bulk one'],
      [2, 'Bulk three'],
    ]);
    expect(result.errors).toEqual([
      { index: 1, status: 400, message: 'issuetype: Specify a valid issue type' },
    ]);

    const compensation = jiraAdapter.operations.bulkCreateIssues?.compensate;
    expect(compensation?.operation).toBe('deleteIssues');
    const undo = compensation?.input({}, result);
    expect(await call('deleteIssues', undo)).toEqual({
      deleted: result.issues.map((i) => i.key),
      alreadyGone: [],
    });
    expect(result.issues.every((issue) => !jira.fake.find(issue.key))).toBe(true);
    expect(await call('deleteIssues', undo)).toEqual({
      deleted: [],
      alreadyGone: result.issues.map((i) => i.key),
    });
  });

  it('fails a bulk create where every issue is refused, with each issue named', async () => {
    const error = await toolErrorOf(
      call('bulkCreateIssues', {
        issues: [
          { projectKey: 'NOPE', summary: 'a' },
          { projectKey: 'SOMA', summary: 'b', issueType: 'Nope' },
        ],
      }),
    );
    expect(error.category).toBe('invalid_input');
    expect(error.message).toMatch(/issue 0: project: Specify a valid project ID or key; issue 1: issuetype/);
  });

  it('finds the issues of an interrupted bulk create by their label instead of creating them again', async () => {
    const key = 'wf-3:bulk-recover';
    const input = {
      issues: [
        { projectKey: 'OPS', summary: 'Recover A' },
        { projectKey: 'OPS', summary: 'Recover B' },
      ],
    };
    const first = await call<{ issues: { key: string; index: number }[] }>('bulkCreateIssues', input, key);
    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );
    const size = jira.fake.issues.size;
    const retry = await tools.runtime.invoke({
      tenantId: 'default',
      tool: 'jira',
      operation: 'bulkCreateIssues',
      input,
      idempotencyKey: key,
    });
    expect(retry.replayed).toBe(true);
    expect((retry.output as typeof first).issues.map((i) => [i.index, i.key])).toEqual(
      first.issues.map((i) => [i.index, i.key]),
    );
    expect(jira.fake.issues.size).toBe(size);
    expect(bodiesOf('searchAndReconsileIssuesUsingJqlPost').at(-1)?.jql).toBe(
      `labels = "${idempotencyLabel(key)}" ORDER BY created ASC`,
    );
  });

  it('transitions by target status name: looks up the transition, posts its id, and does nothing when already there', async () => {
    const { key } = await call<{ key: string }>('createIssue', { projectKey: 'SOMA', summary: 'Move me' });
    const moved = await call('transitionIssue', { issueKey: key, status: 'In Progress' });
    expect(moved).toEqual({
      issueKey: key,
      status: 'In Progress',
      changed: true,
      transitionId: '21',
      transitionName: 'Start progress',
    });
    expect(
      jira.server.calls.filter((c) => c.operationId === 'getTransitions').map((c) => c.params.issueIdOrKey),
    ).toEqual([key]);
    expect(bodiesOf('doTransition')).toEqual([{ transition: { id: '21' } }]);
    expect(jira.fake.find(key)?.status).toBe('In Progress');

    const again = await call('transitionIssue', { issueKey: key, status: 'in progress' });
    expect(again).toEqual({ issueKey: key, status: 'In Progress', changed: false });
    expect(jira.server.count('doTransition')).toBe(1);

    await call('transitionIssue', { issueKey: key, status: 'Done', comment: 'Shipped in 1.4' });
    expect(bodiesOf('doTransition')[1]).toEqual({
      transition: { id: '31' },
      update: { comment: [{ add: { body: textToAdf('Shipped in 1.4') } }] },
    });
    expect(jira.fake.find(key)).toMatchObject({
      status: 'Done',
      comments: [{ body: textToAdf('Shipped in 1.4') }],
    });
  });

  it('refuses a status the workflow cannot reach, naming the reachable ones', async () => {
    const { key } = await call<{ key: string }>('createIssue', { projectKey: 'SOMA', summary: 'Stuck' });
    const error = await toolErrorOf(call('transitionIssue', { issueKey: key, status: 'Blocked' }));
    expect(error.category).toBe('conflict');
    expect(error.message).toContain('reachable: In Progress, Done');
    expect(jira.server.count('doTransition')).toBe(0);
  });

  it('adds comments as ADF, from text or as given; a missing issue is not_found', async () => {
    const { key } = await call<{ key: string }>('createIssue', { projectKey: 'SOMA', summary: 'Discuss' });
    const adf = {
      type: 'doc',
      version: 1,
      content: [{ type: 'paragraph', content: [{ type: 'text', text: 'LGTM' }] }],
    };
    const first = await call<{ id: string; url: string }>('addComment', {
      issueKey: key,
      body: 'Looks good',
    });
    await call('addComment', { issueKey: key, body: adf });
    expect(bodiesOf('addComment')).toEqual([{ body: textToAdf('Looks good') }, { body: adf }]);
    expect(first.url).toBe(`${jira.server.url}/browse/${key}?focusedCommentId=${first.id}`);
    expect(jira.fake.find(key)?.comments.map((comment) => comment.body)).toEqual([
      textToAdf('Looks good'),
      adf,
    ]);

    const error = await toolErrorOf(call('addComment', { issueKey: 'SOMA-9999', body: 'hello?' }));
    expect(error.category).toBe('not_found');
  });

  it('searches with the JQL as given and follows nextPageToken to the last page', async () => {
    await call('bulkCreateIssues', {
      issues: Array.from({ length: 7 }, (_, i) => ({
        projectKey: 'OPS',
        summary: `Paged ${i + 1}`,
        labels: ['paged'],
      })),
    });
    const jql = 'project = OPS AND labels = paged ORDER BY created ASC';
    const found = await call<{
      issues: { key: string; summary: string; status: string }[];
      truncated: boolean;
    }>('searchIssues', { jql, fields: ['summary', 'status'], pageSize: 3 });
    expect(found.truncated).toBe(false);
    expect(found.issues.map((issue) => issue.summary)).toEqual(
      Array.from({ length: 7 }, (_, i) => `Paged ${i + 1}`),
    );
    expect(found.issues[0]?.status).toBe('To Do');
    const pages = bodiesOf('searchAndReconsileIssuesUsingJqlPost');
    expect(pages).toHaveLength(3);
    expect(pages.map((page) => page.jql)).toEqual([jql, jql, jql]);
    expect(pages[0]).toEqual({ jql, fields: ['summary', 'status'], maxResults: 3 });
    expect(pages[1]?.nextPageToken).toEqual(expect.any(String));
    expect(pages[2]?.nextPageToken).not.toBe(pages[1]?.nextPageToken);

    jira.server.reset();
    const capped = await call<{ issues: unknown[]; truncated: boolean }>('searchIssues', {
      jql,
      pageSize: 3,
      maxIssues: 5,
    });
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.issues).toHaveLength(5);
    expect(bodiesOf('searchAndReconsileIssuesUsingJqlPost').map((page) => page.maxResults)).toEqual([3, 2]);
  });

  it('deletes an issue as the compensation of createIssue; deleting it again is not an error', async () => {
    const created = await call<{ key: string }>('createIssue', { projectKey: 'SOMA', summary: 'Temporary' });
    const compensation = jiraAdapter.operations.createIssue?.compensate;
    expect(compensation?.operation).toBe('deleteIssue');
    const input = compensation?.input({}, created);
    expect(await call('deleteIssue', input)).toEqual({ issueKey: created.key, deleted: true });
    expect(jira.fake.find(created.key)).toBeUndefined();
    expect(jira.server.calls.find((c) => c.operationId === 'deleteIssue')?.query).toEqual({
      deleteSubtasks: 'false',
    });
    expect(await call('deleteIssue', input)).toEqual({ issueKey: created.key, deleted: false });
  });

  it('goes through the shared transport: a 503 on a read is retried, a 429 pauses with its Retry-After', async () => {
    const { key } = await call<{ key: string }>('createIssue', { projectKey: 'SOMA', summary: 'Flaky' });
    jira.fake.answerNext('getIssue', { status: 503, body: { errorMessages: ['Service unavailable'] } });
    expect(await call('getIssue', { issueKey: key })).toMatchObject({ key, summary: 'Flaky' });
    expect(jira.server.count('getIssue')).toBe(2);

    jira.fake.answerNext('getIssue', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { errorMessages: ['Rate limit exceeded.'] },
    });
    const error = await toolErrorOf(call('getIssue', { issueKey: key }));
    expect(error).toMatchObject({ category: 'rate_limited', details: { status: 429, retryAfterMs: 1000 } });
    expect(error.message).toContain('Rate limit exceeded.');
    const started = Date.now();
    await call('getIssue', { issueKey: key });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});

const live = Boolean(process.env.JIRA_API_TOKEN && process.env.JIRA_BASE_URL && process.env.JIRA_EMAIL);
describe.skipIf(!live)('jira adapter live (JIRA_BASE_URL, JIRA_EMAIL, JIRA_API_TOKEN set)', () => {
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'jira',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  beforeAll(() => {
    tools = createTestToolRuntime([jiraAdapter], process.env as Record<string, string>);
  });
  afterAll(async () => tools?.close());

  it('reaches the site and searches recent issues (read only)', async () => {
    expect(await tools.runtime.checkConnection('default', 'jira')).toEqual({ reachable: true });
    const found = await call<{ issues: unknown[] }>('searchIssues', {
      jql: 'created >= -30d ORDER BY created DESC',
      maxIssues: 5,
    });
    expect(Array.isArray(found.issues)).toBe(true);
  });

  it.skipIf(!process.env.JIRA_LIVE_PROJECT)(
    'creates, comments, finds and deletes an issue in JIRA_LIVE_PROJECT',
    async () => {
      const projectKey = process.env.JIRA_LIVE_PROJECT ?? '';
      const key = `live:${Date.now()}`;
      const created = await call<{ key: string }>(
        'createIssue',
        { projectKey, summary: 'SomaGent live test', description: 'Safe to delete.' },
        key,
      );
      try {
        await call('addComment', { issueKey: created.key, body: 'Comment from the live test.' });
        expect(await call('getIssue', { issueKey: created.key })).toMatchObject({
          key: created.key,
          summary: 'SomaGent live test',
        });
      } finally {
        expect(await call('deleteIssue', { issueKey: created.key })).toEqual({
          issueKey: created.key,
          deleted: true,
        });
      }
    },
  );
});
if (!live) {
  console.info(
    'jira live test skipped: set JIRA_BASE_URL (https://<site>.atlassian.net), JIRA_EMAIL and JIRA_API_TOKEN to run it ' +
      '(read only); add JIRA_LIVE_PROJECT=<key> to also create and delete an issue there.',
  );
}
