import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import {
  startGraphqlContractServer,
  type GraphqlContractServer,
} from '../../test/contract/graphql-contract-server.js';
import { specsDir } from '../../test/contract/load-spec.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { LinearFake } from './contract-fake.js';
import { linearGuard, linearResolvers } from './contract-resolvers.js';
import { idFor } from './ids.js';
import { linearAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

/** A Linear workspace fake behind Linear's published SDL, on a real socket. */
async function startLinear() {
  const fake = new LinearFake();
  const server = await startGraphqlContractServer({
    sdlPath: path.join(specsDir(), 'linear', 'schema.graphql'),
    resolvers: linearResolvers(fake),
    guard: linearGuard(fake),
  });
  servers.push(server);
  return { fake, server, env: { LINEAR_API_KEY: fake.apiKey, LINEAR_API_URL: server.url } };
}

// Every exchange of every test, conformance included, must keep to the SDL.
const servers: GraphqlContractServer[] = [];
afterEach(() => {
  // Taken out as they are checked, so one test's violation does not fail the tests after it.
  for (const server of servers) expect(server.violations.splice(0)).toEqual([]);
});

let conformanceFake: LinearFake | undefined;

testAdapter({
  adapter: linearAdapter,
  tier: 'GraphQL contract server: Linear SDL',
  start: async () => {
    const { fake, server, env } = await startLinear();
    conformanceFake = fake;
    return { env, stop: () => server.stop() };
  },
  read: { operation: 'listTeams', input: {} },
  write: {
    operation: 'createIssue',
    input: { team: 'ENG', title: 'Conformance issue', labels: ['Bug'] },
    count: async () => conformanceFake?.issues.length ?? 0,
    identify: (output) => (output as { id: string }).id,
  },
  notFound: { operation: 'getIssue', input: { issueId: '0b6f0c1e-5b7a-4c1e-9d2f-3a4b5c6d7e8f' } },
  badEnv: { LINEAR_API_KEY: 'lin_api_not_a_key_linear_knows' },
});

describe('linear adapter against the GraphQL contract server (Linear SDL)', () => {
  let fake: LinearFake;
  let server: GraphqlContractServer;
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'linear',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  const callsNamed = (operationName: string) =>
    server.calls.filter((entry) => entry.operationName === operationName);
  /** Leaves the ledger as a worker killed between Linear's answer and the ledger update does. */
  const interrupt = (key: string) =>
    tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );

  beforeAll(async () => {
    ({ fake, server } = await startLinear());
    tools = createTestToolRuntime([linearAdapter], {
      LINEAR_API_KEY: fake.apiKey,
      LINEAR_API_URL: server.url,
    });
  });
  afterAll(async () => {
    await tools?.close();
    await server?.stop();
  });

  it('lists teams, the labels a team can use, and its states in board order', async () => {
    const { teams } = await call<{ teams: { key: string; id: string }[] }>('listTeams', {});
    expect(teams.map((team) => team.key)).toEqual(['ENG', 'OPS']);

    const eng = await call<{ labels: { name: string; teamKey: string | null }[] }>('listLabels', {
      team: 'ENG',
    });
    expect(eng.labels.map((label) => [label.name, label.teamKey])).toEqual([
      ['Bug', null],
      ['Feature', null],
      ['Infra', 'ENG'],
    ]);
    const ops = await call<{ labels: { name: string }[] }>('listLabels', { team: 'ops' });
    expect(ops.labels.map((label) => label.name)).toEqual(['Bug', 'Feature']);
    expect(callsNamed('SomagentLabels').at(-1)?.variables.filter).toEqual({
      or: [{ team: { id: { eq: fake.teamByKey('OPS').id } } }, { team: { null: true } }],
    });

    const { states } = await call<{ states: { name: string; type: string }[] }>('listStates', {
      team: fake.teamByKey('ENG').id,
    });
    expect(states.map((state) => state.type)).toEqual([
      'backlog',
      'unstarted',
      'started',
      'completed',
      'canceled',
    ]);
  });

  it('creates an issue with labels and state by name, an assignee by email, and sends Linear the ids', async () => {
    const infra = fake.labels.find((label) => label.name === 'Infra');
    const issue = await call<{
      id: string;
      identifier: string;
      labels: { name: string }[];
      state: { name: string };
      assignee: { email: string };
    }>('createIssue', {
      team: 'ENG',
      title: 'Rotate the deploy keys',
      description: '## Why\nThey are a year old.',
      labels: ['bug', infra?.id],
      state: 'In Progress',
      assignee: 'ada@somagent.test',
      priority: 2,
    });
    expect(issue).toMatchObject({
      identifier: expect.stringMatching(/^ENG-\d+$/),
      labels: [{ name: 'Bug' }, { name: 'Infra' }],
      state: { name: 'In Progress' },
      assignee: { email: 'ada@somagent.test' },
    });
    const stored = fake.issue(issue.id);
    expect(stored).toMatchObject({
      title: 'Rotate the deploy keys',
      description: '## Why\nThey are a year old.',
      priority: 2,
    });
    const sent = callsNamed('SomagentIssueCreate').at(-1)?.variables.input as Record<string, unknown>;
    expect(sent).toEqual({
      teamId: fake.teamByKey('ENG').id,
      title: 'Rotate the deploy keys',
      description: '## Why\nThey are a year old.',
      labelIds: stored.labels.map((label) => label.id),
      stateId: stored.state.id,
      assigneeId: fake.users.find((user) => user.email === 'ada@somagent.test')?.id,
      priority: 2,
    });
  });

  it('derives the id of what it creates from the idempotency key, and finds it after an interrupted attempt', async () => {
    const key = `wf-1:create-${Date.now()}`;
    const created = await call<{ id: string }>('createIssue', { team: 'OPS', title: 'Keyed issue' }, key);
    expect(created.id).toBe(idFor('issue', 'default', key));
    const before = fake.issues.length;
    await interrupt(key);
    const again = await tools.runtime.invoke({
      tenantId: 'default',
      tool: 'linear',
      operation: 'createIssue',
      input: { team: 'OPS', title: 'Keyed issue' },
      idempotencyKey: key,
    });
    expect(again.replayed).toBe(true);
    expect((again.output as { id: string }).id).toBe(created.id);
    expect(fake.issues.length).toBe(before);
  });

  it('refuses unknown labels and states before calling issueCreate', async () => {
    const creates = server.count('issueCreate');
    const label = await toolErrorOf(call('createIssue', { team: 'OPS', title: 'x', labels: ['Infra'] }));
    expect(label.category).toBe('invalid_input');
    expect(label.message).toMatch(/no label Infra.*Bug, Feature/);
    const state = await toolErrorOf(call('createIssue', { team: 'OPS', title: 'x', state: 'Shipped' }));
    expect(state.category).toBe('invalid_input');
    expect(state.message).toContain('Backlog, Todo, In Progress, Done, Canceled');
    const team = await toolErrorOf(call('createIssue', { team: 'NOPE', title: 'x' }));
    expect(team.category).toBe('not_found');
    expect(server.count('issueCreate')).toBe(creates);
  });

  it('comments on an issue by identifier, once per key, and recovers an interrupted comment', async () => {
    const issue = fake.createIssue({ teamId: fake.teamByKey('ENG').id, title: 'Needs a comment' });
    const key = `wf-2:comment-${Date.now()}`;
    const comment = await call<{ id: string; issue: { identifier: string } }>(
      'addComment',
      { issueId: issue.identifier, body: 'Deployed to **staging**.' },
      key,
    );
    expect(comment).toMatchObject({
      id: idFor('comment', 'default', key),
      issue: { identifier: issue.identifier },
    });
    await call('addComment', { issueId: issue.identifier, body: 'Deployed to **staging**.' }, key);
    await interrupt(key);
    await call('addComment', { issueId: issue.identifier, body: 'Deployed to **staging**.' }, key);
    expect(fake.comments.filter((entry) => entry.issue === issue).map((entry) => entry.body)).toEqual([
      'Deployed to **staging**.',
    ]);
    expect(server.count('commentCreate')).toBe(1);

    const missing = await toolErrorOf(call('addComment', { issueId: 'ENG-9999', body: 'hello' }));
    expect(missing.category).toBe('not_found');
  });

  it('creates a project for teams named by key, once per key', async () => {
    const key = `wf-3:project-${Date.now()}`;
    const input = {
      name: 'Q3 platform',
      teams: ['ENG', 'OPS'],
      description: 'Platform work',
      content: '# Goals',
    };
    const project = await call<{ id: string; teams: { key: string }[] }>('createProject', input, key);
    expect(project).toMatchObject({
      id: idFor('project', 'default', key),
      teams: [{ key: 'ENG' }, { key: 'OPS' }],
    });
    await interrupt(key);
    expect(await call('createProject', input, key)).toEqual(project);
    expect(fake.projects.filter((entry) => entry.name === 'Q3 platform')).toHaveLength(1);
    expect(fake.project(project.id)).toMatchObject({ description: 'Platform work', content: '# Goals' });
  });

  it("lists a team's issues across every page, up to the limit, archived ones on request", async () => {
    const team = fake.addTeam('BULK', 'Bulk');
    for (let n = 1; n <= 120; n++) fake.createIssue({ teamId: team.id, title: `Bulk ${n}` });
    fake.archiveIssue('BULK-7', false);
    const beats: unknown[] = [];
    const all = await tools.runtime.invoke(
      { tenantId: 'default', tool: 'linear', operation: 'listTeamIssues', input: { team: 'BULK' } },
      { heartbeat: (details) => beats.push(details) },
    );
    const output = all.output as { issues: { identifier: string }[]; complete: boolean };
    expect(output.complete).toBe(true);
    expect(output.issues).toHaveLength(119);
    expect(output.issues[0]?.identifier).toBe('BULK-1');
    expect(output.issues.map((issue) => issue.identifier)).not.toContain('BULK-7');
    const pages = callsNamed('SomagentTeamIssues').slice(-3);
    expect(pages.map((page) => page.variables.after)).toEqual([
      null,
      fake.issue('BULK-51').id,
      fake.issue('BULK-101').id,
    ]);
    expect(beats).toEqual([{ issues: 50 }, { issues: 100 }, { issues: 119 }]);

    const limited = await call<{ issues: unknown[]; complete: boolean }>('listTeamIssues', {
      team: team.id,
      limit: 60,
      includeArchived: true,
    });
    expect(limited).toMatchObject({ complete: false });
    expect(limited.issues).toHaveLength(60);
  });

  it('archives (or trashes) an issue as the compensation of createIssue; one already gone counts as done', async () => {
    const created = await call<{ id: string }>('createIssue', { team: 'ENG', title: 'Undo me' });
    const compensation = linearAdapter.operations.createIssue?.compensate;
    expect(compensation?.operation).toBe('archiveIssue');
    const archived = await call<{ archived: boolean; archivedAt: string }>(
      'archiveIssue',
      compensation?.input({}, created),
    );
    expect(archived).toMatchObject({ archived: true, archivedAt: expect.stringMatching(/^\d{4}-/) });
    expect(fake.issue(created.id)).toMatchObject({ trashed: true, archivedAt: expect.any(Date) });
    expect(await call('archiveIssue', { issueId: '5d7e0c1e-5b7a-4c1e-9d2f-3a4b5c6d7e8f' })).toEqual({
      issueId: '5d7e0c1e-5b7a-4c1e-9d2f-3a4b5c6d7e8f',
      archived: false,
      archivedAt: null,
    });
  });

  it('reads one issue by identifier', async () => {
    const issue = fake.createIssue({
      teamId: fake.teamByKey('OPS').id,
      title: 'Read me',
      labelIds: [fake.labels[0]?.id],
    });
    expect(await call('getIssue', { issueId: issue.identifier.toLowerCase() })).toMatchObject({
      id: issue.id,
      title: 'Read me',
      labels: [{ name: 'Bug' }],
      team: { key: 'OPS' },
      state: { name: 'Todo', type: 'unstarted' },
    });
  });

  it('maps FORBIDDEN to permission and RATELIMITED (HTTP 400) to rate_limited with the reset time', async () => {
    const ops = fake.teamByKey('OPS');
    fake.forbiddenTeamIds.add(ops.id);
    try {
      const denied = await toolErrorOf(call('listStates', { team: 'OPS' }));
      expect(denied).toMatchObject({ category: 'permission', retryable: false });
    } finally {
      fake.forbiddenTeamIds.delete(ops.id);
    }

    fake.rateLimit = { remaining: 1, resetInMs: 1200 };
    const limited = await toolErrorOf(call('listTeams', {}));
    expect(limited.category).toBe('rate_limited');
    expect(limited.details.retryAfterMs).toBeGreaterThan(500);
    expect(limited.details.retryAfterMs).toBeLessThanOrEqual(1200);
    // The runtime paused the key for every worker; the next call waits the reset out and succeeds.
    const started = Date.now();
    await call('listTeams', {});
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });
});

const liveKey = process.env.LINEAR_API_KEY;
describe.skipIf(!liveKey)('linear adapter live (LINEAR_API_KEY set; read-only)', () => {
  it('reaches Linear and reads teams, labels, states and a page of issues', async () => {
    const tools = createTestToolRuntime([linearAdapter], process.env as Record<string, string>);
    try {
      expect(await tools.runtime.checkConnection('default', 'linear')).toEqual({ reachable: true });
      const { output } = await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'linear',
        operation: 'listTeams',
        input: {},
      });
      const [team] = (output as { teams: { id: string }[] }).teams;
      if (!team) return;
      for (const [operation, input] of [
        ['listLabels', { team: team.id }],
        ['listStates', { team: team.id }],
        ['listTeamIssues', { team: team.id, limit: 10 }],
      ] as const) {
        await tools.runtime.invoke({ tenantId: 'default', tool: 'linear', operation, input });
      }
    } finally {
      await tools.close();
    }
  });
});
if (!liveKey)
  console.info(
    'linear live test skipped: set LINEAR_API_KEY (a personal API key) to run read-only calls against Linear',
  );
