import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { loadSpec } from '../../test/contract/load-spec.js';
import { quirksOf } from '../../test/contract/vendor-quirks.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { FakePlane } from './contract-handlers.js';
import { EXTERNAL_SOURCE, externalId } from './external-id.js';
import { planeAdapter } from './index.js';
import { planeSpecWithPagination } from './plane-spec-fixes.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

const workspaceSlug = 'acme';

/** Every contract server this file runs; each test must leave none of them with a violation. */
const running = new Set<ContractServer>();

/** A fake Plane workspace behind the contract server; each has its own key (and so its own rate bucket). */
async function startFakePlane(apiKey: string) {
  const fake = new FakePlane({ apiKey, workspaceSlug });
  const server = await startContractServer({
    spec: planeSpecWithPagination(await loadSpec('plane')),
    quirks: quirksOf('plane'),
    handlers: fake.handlers(),
  });
  running.add(server);
  const env = { PLANE_BASE_URL: server.origin, PLANE_API_KEY: apiKey, PLANE_WORKSPACE_SLUG: workspaceSlug };
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

let conformance: Awaited<ReturnType<typeof startFakePlane>>;
const conformanceProject = '4af6c2b4-2a45-4c7e-9a1c-0b7f5c9d1e22';
testAdapter({
  adapter: planeAdapter,
  tier: 'contract server: ../shared/specs/plane/openapi.yaml (list pages as Plane serves them)',
  start: async () => {
    conformance = await startFakePlane('plane_api_conformance_5d1e');
    conformance.fake.addProject('Conformance', 'CONF', { id: conformanceProject });
    return { env: conformance.env, stop: conformance.stop };
  },
  read: { operation: 'listProjects', input: {} },
  write: {
    operation: 'createWorkItem',
    input: { projectId: conformanceProject, name: 'Conformance work item', priority: 'low' },
    count: async () => conformance.fake.workItems.size,
    identify: (output) => (output as { id: string }).id,
  },
  notFound: { operation: 'getWorkItem', input: { projectId: conformanceProject, workItemId: randomUUID() } },
  badEnv: { PLANE_API_KEY: 'plane_api_not_the_key' },
});

describe('plane adapter against the contract server (Plane API v1 spec)', () => {
  let plane: Awaited<ReturnType<typeof startFakePlane>>;
  let tools: TestToolRuntime;
  let projectId = '';
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'plane',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  const callsOf = (operationId: string) => plane.server.calls.filter((c) => c.operationId === operationId);

  beforeAll(async () => {
    plane = await startFakePlane('plane_api_adapter_cases_9b2f');
    // The full API URL works as well as the host: the adapter adds /api/v1 only once.
    tools = createTestToolRuntime([planeAdapter], { ...plane.env, PLANE_BASE_URL: plane.server.url });
    projectId = plane.fake.addProject('Website', 'WEB').id;
  });
  afterAll(async () => {
    await tools?.close();
    await plane?.stop();
  });

  it("creates a project with Plane's default states, and deletes it as the compensation", async () => {
    const project = await call<{ id: string; identifier: string }>(
      'createProject',
      { name: 'Mobile app', identifier: 'mob', description: 'iOS and Android' },
      'wf-1:project',
    );
    expect(project).toEqual({
      id: expect.any(String),
      name: 'Mobile app',
      identifier: 'MOB',
      description: 'iOS and Android',
      network: 'public',
    });
    expect(callsOf('workspaces_projects_create')[0]?.body).toEqual({
      name: 'Mobile app',
      identifier: 'MOB',
      network: 2,
      description: 'iOS and Android',
    });
    const { states } = await call<{ states: { name: string; group: string; isDefault: boolean }[] }>(
      'listStates',
      {
        projectId: project.id,
      },
    );
    expect(states.map((state) => [state.name, state.group])).toEqual([
      ['Backlog', 'backlog'],
      ['Todo', 'unstarted'],
      ['In Progress', 'started'],
      ['Done', 'completed'],
      ['Cancelled', 'cancelled'],
    ]);
    expect(states.filter((state) => state.isDefault).map((state) => state.name)).toEqual(['Todo']);

    const compensation = planeAdapter.operations.createProject?.compensate;
    expect(compensation?.operation).toBe('deleteProject');
    const undo = compensation?.input({}, project);
    expect(await call('deleteProject', undo)).toEqual({ projectId: project.id, deleted: true });
    expect(plane.fake.projects.has(project.id)).toBe(false);
    expect(await call('deleteProject', undo)).toEqual({ projectId: project.id, deleted: false });
  });

  it('finds a project an interrupted attempt created by its identifier, instead of creating it again', async () => {
    const key = 'wf-2:project';
    const input = { name: 'Data platform', identifier: 'DATA' };
    const first = await call<{ id: string }>('createProject', input, key);
    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );
    const retry = await tools.runtime.invoke({
      tenantId: 'default',
      tool: 'plane',
      operation: 'createProject',
      input,
      idempotencyKey: key,
    });
    expect(retry).toMatchObject({ replayed: true, output: { id: first.id, identifier: 'DATA' } });
    expect(callsOf('workspaces_projects_create')).toHaveLength(1);
    expect([...plane.fake.projects.values()].filter((project) => project.identifier === 'DATA')).toHaveLength(
      1,
    );
  });

  it('creates a work item with HTML description, state, labels and priority, tagged with its external id', async () => {
    const { states } = await call<{ states: { id: string; name: string }[] }>('listStates', { projectId });
    const started = states.find((state) => state.name === 'In Progress')?.id ?? '';
    const label = await call<{ id: string }>('createLabel', {
      projectId,
      name: 'frontend',
      color: '#2563EB',
    });
    const item = await call<Record<string, unknown>>(
      'createWorkItem',
      {
        projectId,
        name: 'Fix login redirect',
        descriptionHtml: '<p>Users land on <code>/</code> after login.</p>',
        stateId: started,
        labelIds: [label.id],
        priority: 'high',
        targetDate: '2026-04-30',
      },
      'wf-3:item',
    );
    expect(callsOf('workspaces_projects_issues_create')[0]?.body).toEqual({
      name: 'Fix login redirect',
      priority: 'high',
      description_html: '<p>Users land on <code>/</code> after login.</p>',
      state: started,
      labels: [label.id],
      target_date: '2026-04-30',
      external_source: EXTERNAL_SOURCE,
      external_id: externalId('wf-3:item'),
    });
    expect(item).toMatchObject({
      name: 'Fix login redirect',
      projectId,
      stateId: started,
      labelIds: [label.id],
      priority: 'high',
      targetDate: '2026-04-30',
      sequenceId: expect.any(Number),
    });
    expect(plane.fake.workItems.get(String(item.id))).toMatchObject({ state: started, labels: [label.id] });
  });

  it("puts a work item without a state in the project's default state", async () => {
    const item = await call<{ id: string; stateId: string; priority: string }>('createWorkItem', {
      projectId,
      name: 'Triage me',
    });
    const todo = plane.fake.inProject(plane.fake.states, projectId).find((state) => state.name === 'Todo');
    expect(item).toMatchObject({ stateId: todo?.id, priority: 'none' });
    expect(callsOf('workspaces_projects_issues_create')[0]?.body).toEqual({
      name: 'Triage me',
      priority: 'none',
    });
  });

  it('answers a repeated external id with the work item Plane already has (its 409), and a taken name is a conflict', async () => {
    const input = { projectId, name: 'Only once' };
    const first = await call<{ id: string }>('createWorkItem', input, 'wf-4:item');
    // With the ledger's record gone (another deployment, a restored database), the request reaches Plane again.
    await tools.pool.query(
      "delete from tool_side_effects where tenant_id = 'default' and idempotency_key = 'wf-4:item'",
    );
    const again = await call<{ id: string }>('createWorkItem', input, 'wf-4:item');
    expect(again.id).toBe(first.id);
    expect(callsOf('workspaces_projects_issues_create').map((c) => c.status)).toEqual([201, 409]);
    expect(callsOf('workspaces_projects_issues_retrieve_2').map((c) => c.params.id)).toEqual([first.id]);
    expect(
      plane.fake.inProject(plane.fake.workItems, projectId).filter((item) => item.name === 'Only once'),
    ).toHaveLength(1);

    await call(
      'createState',
      { projectId, name: 'Review', color: '#7C3AED', group: 'started' },
      'wf-4:state',
    );
    const error = await toolErrorOf(
      call('createState', { projectId, name: 'Review', color: '#7C3AED' }, 'wf-4:other-state'),
    );
    expect(error.category).toBe('conflict');
    expect(error.message).toContain('State with the same name already exists');
  });

  it("reports Plane's validation errors as invalid_input", async () => {
    const error = await toolErrorOf(
      call('createWorkItem', { projectId, name: 'Bad state', stateId: randomUUID() }),
    );
    expect(error.category).toBe('invalid_input');
    expect(error.message).toContain('State is not valid');
    const missing = await toolErrorOf(call('listWorkItems', { projectId: randomUUID() }));
    expect(missing.category).toBe('not_found');
  });

  it('follows the cursor until next_page_results is false', async () => {
    const project = plane.fake.addProject('Paging', 'PAGE').id;
    for (let i = 1; i <= 7; i++) await call('createWorkItem', { projectId: project, name: `Item ${i}` });
    plane.server.reset();
    const listed = await call<{ workItems: { name: string }[]; truncated: boolean }>('listWorkItems', {
      projectId: project,
      perPage: 3,
    });
    expect(listed.truncated).toBe(false);
    expect(listed.workItems.map((item) => item.name)).toEqual([
      'Item 7',
      'Item 6',
      'Item 5',
      'Item 4',
      'Item 3',
      'Item 2',
      'Item 1',
    ]);
    const pages = callsOf('workspaces_projects_issues_retrieve');
    expect(pages.map((page) => page.query)).toEqual([
      { per_page: 3 },
      { per_page: 3, cursor: '3:1:0' },
      { per_page: 3, cursor: '3:2:0' },
    ]);
    expect(pages.map((page) => (page.response as { next_page_results: boolean }).next_page_results)).toEqual([
      true,
      true,
      false,
    ]);

    plane.server.reset();
    const capped = await call<{ workItems: unknown[]; truncated: boolean }>('listWorkItems', {
      projectId: project,
      perPage: 3,
      maxItems: 4,
    });
    expect(capped.truncated).toBe(true);
    expect(capped.workItems).toHaveLength(4);
    expect(callsOf('workspaces_projects_issues_retrieve')).toHaveLength(2);
  });

  it('creates a state, a label under a parent, and a cycle, and lists them', async () => {
    const state = await call('createState', {
      projectId,
      name: 'QA',
      color: '#0EA5E9',
      group: 'started',
      description: 'Testing',
    });
    expect(state).toEqual({
      id: expect.any(String),
      name: 'QA',
      color: '#0EA5E9',
      group: 'started',
      isDefault: false,
    });
    expect(callsOf('workspaces_projects_states_create')[0]?.body).toEqual({
      name: 'QA',
      color: '#0EA5E9',
      group: 'started',
      description: 'Testing',
    });

    const parent = await call<{ id: string }>('createLabel', { projectId, name: 'area' });
    const child = await call(
      'createLabel',
      { projectId, name: 'area:api', color: '#F97316', parentId: parent.id },
      'wf-5:label',
    );
    expect(child).toEqual({
      id: expect.any(String),
      name: 'area:api',
      color: '#F97316',
      parentId: parent.id,
    });
    expect(callsOf('workspaces_projects_labels_create')[1]?.body).toMatchObject({
      parent: parent.id,
      external_id: externalId('wf-5:label'),
    });
    const { labels } = await call<{ labels: { name: string }[] }>('listLabels', { projectId });
    expect(labels.map((label) => label.name)).toEqual(expect.arrayContaining(['area', 'area:api']));

    const cycle = await call(
      'createCycle',
      { projectId, name: 'Sprint 14', startDate: '2026-04-01', endDate: '2026-04-14T18:00:00Z' },
      'wf-5:cycle',
    );
    expect(cycle).toEqual({
      id: expect.any(String),
      name: 'Sprint 14',
      startDate: '2026-04-01T00:00:00Z',
      endDate: '2026-04-14T18:00:00Z',
    });
    expect(callsOf('workspaces_projects_cycles_create')[0]?.body).toEqual({
      name: 'Sprint 14',
      start_date: '2026-04-01T00:00:00Z',
      end_date: '2026-04-14T18:00:00Z',
      external_source: EXTERNAL_SOURCE,
      external_id: externalId('wf-5:cycle'),
    });
    const { cycles } = await call<{ cycles: { name: string }[] }>('listCycles', { projectId });
    expect(cycles.map((c) => c.name)).toContain('Sprint 14');

    const oneDate = await toolErrorOf(
      call('createCycle', { projectId, name: 'Half', startDate: '2026-05-01' }),
    );
    expect(oneDate.category).toBe('invalid_input');
    expect(oneDate.message).toContain('give both startDate and endDate');
    expect(callsOf('workspaces_projects_cycles_create')).toHaveLength(1);
  });

  it('undoes createState, createLabel and createCycle with their compensations', async () => {
    const created = {
      createState: await call<{ id: string }>('createState', {
        projectId,
        name: 'Blocked',
        color: '#DC2626',
      }),
      createLabel: await call<{ id: string }>('createLabel', { projectId, name: 'temporary' }),
      createCycle: await call<{ id: string }>('createCycle', { projectId, name: 'Throwaway' }),
    };
    for (const [operation, output] of Object.entries(created)) {
      const compensation = planeAdapter.operations[operation]?.compensate;
      const undo = compensation?.input({ projectId }, output);
      expect(await call(compensation?.operation ?? '', undo)).toMatchObject({ deleted: true });
      expect(await call(compensation?.operation ?? '', undo)).toMatchObject({ deleted: false });
    }
    expect(plane.fake.states.has(created.createState.id)).toBe(false);
    expect(plane.fake.labels.has(created.createLabel.id)).toBe(false);
    expect(plane.fake.cycles.has(created.createCycle.id)).toBe(false);

    const todo = plane.fake.inProject(plane.fake.states, projectId).find((state) => state.default === true);
    const error = await toolErrorOf(call('deleteState', { projectId, stateId: todo?.id }));
    expect(error.category).toBe('invalid_input');
    expect(error.message).toContain('Default state cannot be deleted');
  });

  it('finds a cycle an interrupted attempt created by its external id', async () => {
    const key = 'wf-6:cycle';
    const input = { projectId, name: 'Hardening' };
    const first = await call<{ id: string }>('createCycle', input, key);
    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );
    const retry = await tools.runtime.invoke({
      tenantId: 'default',
      tool: 'plane',
      operation: 'createCycle',
      input,
      idempotencyKey: key,
    });
    expect(retry).toMatchObject({ replayed: true, output: { id: first.id } });
    expect(callsOf('workspaces_projects_cycles_create')).toHaveLength(1);
    expect(callsOf('workspaces_projects_cycles_retrieve')).toHaveLength(1);
  });

  it('deletes a work item as the compensation of createWorkItem; again is not an error', async () => {
    const input = { projectId, name: 'Temporary' };
    const item = await call<{ id: string }>('createWorkItem', input);
    const compensation = planeAdapter.operations.createWorkItem?.compensate;
    expect(compensation?.operation).toBe('deleteWorkItem');
    const undo = compensation?.input(input, item);
    expect(undo).toEqual({ projectId, workItemId: item.id });
    expect(await call('deleteWorkItem', undo)).toEqual({ workItemId: item.id, deleted: true });
    expect(plane.fake.workItems.has(item.id)).toBe(false);
    expect(await call('deleteWorkItem', undo)).toEqual({ workItemId: item.id, deleted: false });
  });

  it('maps a 429 with Retry-After to rate_limited and pauses the key for that long', async () => {
    plane.fake.answerNext('workspaces_projects_labels_retrieve', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { detail: 'Request was throttled. Expected available in 1 second.' },
    });
    const error = await toolErrorOf(call('listLabels', { projectId }));
    expect(error).toMatchObject({ category: 'rate_limited', details: { status: 429, retryAfterMs: 1000 } });
    const started = Date.now();
    await call('listLabels', { projectId });
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
  });
});

const live = Boolean(process.env.PLANE_API_KEY && process.env.PLANE_WORKSPACE_SLUG);
describe.skipIf(!live)('plane adapter live (PLANE_API_KEY and PLANE_WORKSPACE_SLUG set)', () => {
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown) =>
    (await tools.runtime.invoke({ tenantId: 'default', tool: 'plane', operation, input })).output as T;
  beforeAll(() => {
    tools = createTestToolRuntime([planeAdapter], process.env as Record<string, string>);
  });
  afterAll(async () => tools?.close());

  it('reaches the workspace and lists its projects (read only)', async () => {
    expect(await tools.runtime.checkConnection('default', 'plane')).toEqual({ reachable: true });
    const { projects } = await call<{ projects: { id: string }[] }>('listProjects', {});
    expect(Array.isArray(projects)).toBe(true);
  });

  it.skipIf(!process.env.PLANE_LIVE_PROJECT)(
    'creates and deletes a work item and a cycle in PLANE_LIVE_PROJECT (a project id)',
    async () => {
      const projectId = process.env.PLANE_LIVE_PROJECT ?? '';
      const { states } = await call<{ states: { id: string }[] }>('listStates', { projectId });
      expect(states.length).toBeGreaterThan(0);
      const item = await call<{ id: string }>('createWorkItem', {
        projectId,
        name: 'SomaGent live test',
        descriptionHtml: '<p>Safe to delete.</p>',
      });
      try {
        expect(await call('getWorkItem', { projectId, workItemId: item.id })).toMatchObject({ id: item.id });
        const { workItems } = await call<{ workItems: { id: string }[] }>('listWorkItems', {
          projectId,
          maxItems: 500,
        });
        expect(workItems.map((w) => w.id)).toContain(item.id);
        const cycle = await call<{ id: string }>('createCycle', {
          projectId,
          name: `SomaGent live ${Date.now()}`,
        });
        expect(await call('deleteCycle', { projectId, cycleId: cycle.id })).toMatchObject({ deleted: true });
      } finally {
        expect(await call('deleteWorkItem', { projectId, workItemId: item.id })).toMatchObject({
          deleted: true,
        });
      }
    },
  );
});
if (!live) {
  console.info(
    'plane live test skipped: set PLANE_API_KEY and PLANE_WORKSPACE_SLUG (and PLANE_BASE_URL for a self-hosted Plane) ' +
      'to run it read only; add PLANE_LIVE_PROJECT=<project uuid> to also create and delete a work item there.',
  );
}
