import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { WorkflowClient } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { startProject } from '../../projects/project-service.js';
import { searchAttributes } from '../../temporal-config/search-attributes.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

/**
 * Projects that continue as new mid-run (after a few tasks, set low through
 * continueAsNewAfterTasks, where Temporal would suggest it only after thousands of events): the
 * chain of runs on the server, the state, queries, signals, the approval Update, the search
 * attributes, the report and the event stream across it, and every run's history replayed.
 */
let platform: TestPlatform;
let site: Server;
let siteUrl: string;
let tenant: string;
let key: string;
const held: (() => void)[] = [];
/** The undo/ pages the compensations read, in the order they came, per run prefix. */
const undone = new Map<string, string[]>();
const started: string[] = [];

interface TaskView {
  status: string;
  output?: { title?: string };
  reason?: string;
}
interface ProjectBody {
  status: string;
  error?: string;
  tasks: Record<string, TaskView>;
  outputs?: Record<string, unknown>;
}

beforeAll(async () => {
  site = createServer((req, res) => {
    // /<run>/hold waits until the test releases it, /<run>/s2 takes 500 ms (so s3, started with
    // it, completes first); any other page shows its own path.
    const [, run = '', ...rest] = (req.url ?? '').split('/');
    const page = decodeURIComponent(rest.join('/'));
    const answer = () =>
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>${page}</title><p>${page}</p>`);
    if (page.startsWith('undo/')) undone.set(run, [...(undone.get(run) ?? []), page.slice(5)]);
    if (page === 'hold') held.push(answer);
    else if (page === 's2') setTimeout(answer, 500);
    else answer();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  platform = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'test', 'capsules') });
  tenant = `can-${Date.now()}`;
  await platform.call('/v1/tenants', { method: 'POST', json: { id: tenant, name: 'Continue-as-new tests' } });
  key = (
    (await (
      await platform.call('/v1/api-keys', {
        method: 'POST',
        json: { name: 'a', role: 'admin', tenantId: tenant },
      })
    ).json()) as { key: string }
  ).key;
});
afterAll(async () => {
  for (const release of held) release();
  await platform?.stop();
  site?.closeAllConnections();
  site?.close();
});

const workflows = (): WorkflowClient => platform.resources.temporal.workflow;
const project = async (id: string) =>
  (await (await platform.call(`/v1/projects/${id}`, { key })).json()) as ProjectBody;
const until = (id: string, check: (body: ProjectBody) => boolean) =>
  eventually(async () => {
    const body = await project(id);
    return check(body) ? body : undefined;
  }, 60_000);
const releaseHold = async () => {
  await eventually(async () => (held.length > 0 ? true : undefined), 30_000);
  held.shift()?.();
};
const currentRun = async (id: string) => (await workflows().getHandle(id).describe()).runId;

/** Start through the project service, as the API does, with a low continue-as-new threshold. */
async function start(run: string, continueAsNewAfterTasks: number, autoApprove: boolean) {
  const { id } = await startProject(
    platform.resources,
    tenant,
    {
      brief: 'long run',
      capsule: 'test-long-run',
      inputs: { url: `${siteUrl}${run}/`, names: ['x', 'y', 'z'] },
      autoApprove,
    },
    { createdBy: 'continue-as-new test', continueAsNewAfterTasks },
  );
  started.push(id);
  return id;
}

/** The runs of a workflow from its first, following each ContinuedAsNew event: [runId, history][]. */
async function runChain(id: string, firstRunId: string) {
  const chain = [];
  for (let runId: string | undefined = firstRunId; runId;) {
    const history = await workflows().getHandle(id, runId).fetchHistory();
    chain.push({ runId, history });
    runId =
      history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return chain;
}
const firstRuns = new Map<string, string>();

describe('a project that continues as new', () => {
  it('keeps its state, pause, approval handler, search attributes and report across runs, and completes', async () => {
    const run = `main-${Date.now()}`;
    const id = await start(run, 2, false);
    const stream = platform.call(`/v1/projects/${id}/events`, { key }).then((response) => response.text());

    await until(id, (body) => body.status === 'awaiting_approval');
    const firstRunId = await currentRun(id);
    firstRuns.set(id, firstRunId);
    const approved = await platform.call(`/v1/projects/${id}/approve`, {
      method: 'POST',
      key,
      json: { planVersion: 1 },
    });
    expect(approved.status).toBe(200);

    // Run 1 ran s1, then s2 and s3, and continued; run 2 ran s4 and now holds on `hold`.
    const mid = await until(id, (body) => body.tasks.hold?.status === 'running');
    const holdRun = await currentRun(id);
    expect(holdRun).not.toBe(firstRunId);
    expect(mid.status).toBe('running');
    expect(mid.tasks.s1).toMatchObject({ status: 'completed', output: { title: 's1' } });
    expect(mid.tasks.s4).toMatchObject({ status: 'completed', output: { title: 's4/s2+s3' } });

    // Paused while `hold` runs: the run finishes it, continues as new, and the next run stays paused.
    expect((await platform.call(`/v1/projects/${id}/pause`, { method: 'POST', key })).status).toBe(202);
    await releaseHold();
    await until(id, (body) => body.status === 'paused' && body.tasks.hold?.status === 'completed');
    const pausedRun = await eventually(async () => {
      const runId = await currentRun(id);
      return runId !== holdRun ? runId : undefined;
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const stillPaused = await project(id);
    expect(stillPaused.status).toBe('paused');
    expect(stillPaused.tasks.s6?.status).toBe('pending');
    expect(await currentRun(id)).toBe(pausedRun);

    // The approval Update reaches the latest run, whose validator sees the carried state.
    const again = await platform.call(`/v1/projects/${id}/approve`, {
      method: 'POST',
      key,
      json: { planVersion: 1 },
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { detail: string }).detail).toContain('paused, not awaiting approval');

    expect((await platform.call(`/v1/projects/${id}/resume`, { method: 'POST', key })).status).toBe(202);
    const done = await until(id, (body) => ['completed', 'failed', 'cancelled'].includes(body.status));
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(Object.values(done.tasks).every((task) => task.status === 'completed')).toBe(true);
    expect(done.outputs).toEqual({
      titles: ['s1', 's2', 's3', 's4/s2+s3', 'hold', 's6'],
      each: ['each/x', 'each/y', 'each/z'],
      last: 'last/each/x,each/y,each/z',
    });

    expect(undone.get(run)).toBeUndefined();

    // Four runs: [s1, s2 + s3], [s4, hold], [s6, each], [last].
    const chain = await runChain(id, firstRunId);
    expect(chain.map((entry) => entry.runId).slice(0, 3)).toEqual([firstRunId, holdRun, pausedRun]);
    expect(chain).toHaveLength(4);
    const latest = await workflows().getHandle(id).describe();
    expect(latest.runId).toBe(chain.at(-1)?.runId);
    expect(latest.status.name).toBe('COMPLETED');
    expect(latest.raw.workflowExecutionInfo?.firstRunId).toBe(firstRunId);
    const attributes = latest.typedSearchAttributes;
    expect(attributes.get(searchAttributes.tenant)).toBe(tenant);
    expect(attributes.get(searchAttributes.kind)).toBe('project');
    expect(attributes.get(searchAttributes.projectId)).toBe(id);
    expect(attributes.get(searchAttributes.capsule)).toBe('test-long-run');
    expect(attributes.get(searchAttributes.status)).toBe('completed');
    // Every run is found by the project's search attribute in the Web UI's visibility store.
    const runs = await eventually(async () => {
      const found: string[] = [];
      for await (const execution of workflows().list({ query: `SomagentProjectId = "${id}"` }))
        found.push(`${execution.runId}:${execution.status.name}`);
      return found.length === 4 && found.every((entry) => !entry.endsWith(':RUNNING')) ? found : undefined;
    });
    expect(runs.map((entry) => entry.split(':')[1]).sort()).toEqual([
      'COMPLETED',
      'CONTINUED_AS_NEW',
      'CONTINUED_AS_NEW',
      'CONTINUED_AS_NEW',
    ]);

    // One tool call per task and element, none repeated by a continuation; the report in PostgreSQL.
    const { rows } = await platform.resources.pool.query<{
      report: { status: string; calls: number; tasks: { id: string; status: string }[]; outputs: unknown };
    }>('select report from projects where id = $1', [id]);
    expect(rows[0]?.report).toMatchObject({ status: 'completed', calls: 10, outputs: done.outputs });
    expect(rows[0]?.report.tasks.map((task) => `${task.id}:${task.status}`)).toEqual(
      ['s1', 's2', 's3', 's4', 'hold', 's6', 'each', 'last'].map((task) => `${task}:completed`),
    );

    // The event stream followed the project through every run until it ended.
    const events = (await stream)
      .split('\n\n')
      .filter((block) => block.startsWith('event: state'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as ProjectBody);
    const statuses = events.map((event) => event.status);
    // (It polls twice a second: the short wait for approval may fall between two polls.)
    expect(statuses).toEqual(expect.arrayContaining(['running', 'paused', 'completed']));
    expect(statuses.at(-1)).toBe('completed');
    expect(events.at(-1)?.outputs).toEqual(done.outputs);
  }, 120_000);

  it('is cancelled through the latest run, after continuing as new after every task', async () => {
    const run = `cancel-${Date.now()}`;
    const id = await start(run, 1, true);
    const firstRunId = await eventually(async () => {
      const description = await workflows().getHandle(id).describe();
      return description.raw.workflowExecutionInfo?.firstRunId || undefined;
    });
    firstRuns.set(id, firstRunId);
    await until(id, (body) => body.tasks.hold?.status === 'running');
    expect((await platform.call(`/v1/projects/${id}/cancel`, { method: 'POST', key })).status).toBe(202);
    await releaseHold();
    const done = await until(id, (body) => ['completed', 'failed', 'cancelled'].includes(body.status));
    expect(done.status).toBe('cancelled');
    for (const task of ['s1', 's2', 's3', 's4', 'hold']) expect(done.tasks[task]?.status).toBe('compensated');
    for (const task of ['s6', 'each', 'last'])
      expect(done.tasks[task]).toMatchObject({ status: 'skipped', reason: 'the project was cancelled' });
    // The saga undid them in reverse order of completion, which the runs carried along (s3 before s2).
    expect(undone.get(run)).toEqual(['hold', 's4', 's2', 's3', 's1']);
    // [s1], [s2 + s3], [s4], [hold, cancelled]: the cancel reached the fourth run.
    const chain = await runChain(id, firstRunId);
    expect(chain).toHaveLength(4);
    expect((await platform.call(`/v1/projects/${id}/resume`, { method: 'POST', key })).status).toBe(409);
    const { rows } = await platform.resources.pool.query<{ report: { status: string; calls: number } }>(
      'select report from projects where id = $1',
      [id],
    );
    expect(rows[0]?.report).toMatchObject({ status: 'cancelled', calls: 10 });
  }, 120_000);

  it('replays every run of these projects without nondeterminism', async () => {
    const histories = (
      await Promise.all(
        started.map(async (workflowId) =>
          (await runChain(workflowId, firstRuns.get(workflowId) ?? '')).map(({ history }) => ({
            workflowId,
            history,
          })),
        ),
      )
    ).flat();
    expect(histories).toHaveLength(8);
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('servers').bundlePath } },
      histories,
    );
    for await (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  });
});
