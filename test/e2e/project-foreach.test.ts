import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

/**
 * forEach elements run in parallel. The site holds every form submission open and answers them
 * only once as many as the test expects are waiting at the same time, in reverse order of
 * arrival (the outputs must still come in the elements' order); a submission left alone is
 * answered after 10 s, so that a sequential run fails on the assertions rather than hangs.
 */
let platform: TestPlatform;
let site: Server;
let siteUrl: string;
const started: string[] = [];

interface Group {
  /** Submissions answered together once this many wait (Infinity: when the test says). */
  batch: number;
  waiting: { name: string; res: ServerResponse }[];
  open: number;
  maxOpen: number;
  arrived: string[];
  answered: string[];
}
const groups = new Map<string, Group>();
const group = (key: string, batch = 1) => {
  let found = groups.get(key);
  if (!found) {
    found = { batch, waiting: [], open: 0, maxOpen: 0, arrived: [], answered: [] };
    groups.set(key, found);
  }
  return found;
};

const html = (res: ServerResponse, title: string, body = '') =>
  res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>${title}</title>${body}`);

function answer(entry: Group, held: { name: string; res: ServerResponse }) {
  entry.open--;
  entry.answered.push(held.name);
  html(held.res, `done ${held.name}`, `<p>thanks ${held.name}</p>`);
}

/** Answers every submission of the group that is still waiting. */
function answerWaiting(key: string) {
  const entry = group(key);
  for (const held of entry.waiting.splice(0)) answer(entry, held);
}

function submit(key: string, name: string, req: IncomingMessage, res: ServerResponse) {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const entry = group(key);
    const who = new URLSearchParams(body).get('who');
    entry.arrived.push(who === name ? name : `${name} (form said ${who})`);
    entry.open++;
    entry.maxOpen = Math.max(entry.maxOpen, entry.open);
    const held = { name, res };
    entry.waiting.push(held);
    if (entry.waiting.length >= entry.batch) {
      // The whole batch, newest first, 200 ms apart: completion order is the reverse of element order.
      const batch = entry.waiting.splice(0).reverse();
      batch.forEach((each, n) => setTimeout(() => answer(entry, each), n * 200));
    } else if (Number.isFinite(entry.batch)) {
      setTimeout(() => {
        const index = entry.waiting.indexOf(held);
        if (index >= 0) answer(entry, entry.waiting.splice(index, 1)[0] ?? held);
      }, 10_000);
    }
  });
}

beforeAll(async () => {
  site = createServer((req, res) => {
    // /<run>/form/<group>/<name> serves a form that posts to /<run>/submit/<group>/<name>.
    const [, run = '', kind = '', groupName = '', name = ''] = (req.url ?? '').split('/');
    const key = `${run}/${groupName}`;
    if (kind === 'form' && req.method === 'GET') {
      // "broken" has two fields with the same id: Playwright refuses to guess (a non-retryable error).
      const field = name === 'broken' ? '<input id="who"><input id="who">' : '<input id="who" name="who">';
      html(
        res,
        'sign',
        `<form method="post" action="/${run}/submit/${groupName}/${name}">${field}<button id="send" type="submit">Send</button></form>`,
      );
    } else if (kind === 'submit' && req.method === 'POST') submit(key, name, req, res);
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  platform = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'test', 'capsules') });
});
afterAll(async () => {
  await platform?.stop();
  site?.closeAllConnections();
  site?.close();
});

interface ProjectBody {
  status: string;
  error?: string;
  tasks: Record<
    string,
    {
      status: string;
      error?: string;
      reason?: string;
      output?: unknown;
      elements?: { total: number; completed: number; failed: number };
    }
  >;
  outputs?: Record<string, unknown>;
}
const project = async (id: string) =>
  (await (await platform.call(`/v1/projects/${id}`)).json()) as ProjectBody;
const until = (id: string, check: (body: ProjectBody) => boolean) =>
  eventually(async () => {
    const body = await project(id);
    return check(body) ? body : undefined;
  }, 90_000);
const ended = (body: ProjectBody) => ['completed', 'failed'].includes(body.status);
const start = async (
  run: string,
  names: string[],
  parallelism: number,
  capsule = 'test-foreach-parallel',
) => {
  const response = await platform.call('/v1/projects', {
    method: 'POST',
    json: {
      brief: 'forEach',
      capsule,
      inputs: { url: `${siteUrl}${run}/`, names },
      autoApprove: true,
      parallelism,
    },
  });
  expect(response.status).toBe(202);
  const { id } = (await response.json()) as { id: string };
  started.push(id);
  return id;
};

describe('forEach', () => {
  it('runs the elements in parallel up to the limits, each once under its own key, outputs in element order', async () => {
    const run = `all-${Date.now()}`;
    const names = ['ann', 'bob', 'cy', 'dee', 'eve', 'fay'];
    group(`${run}/all`, 3);
    group(`${run}/pairs`, 2);
    const id = await start(run, names, 3);
    const done = await until(id, ended);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.tasks.sign?.elements).toEqual({ total: 6, completed: 6, failed: 0 });

    // The project's parallelism (3) bounds the elements; the step's concurrency (2) bounds them further.
    const all = group(`${run}/all`);
    const pairs = group(`${run}/pairs`);
    expect(all.maxOpen).toBe(3);
    expect(pairs.maxOpen).toBe(2);
    // Each element submitted exactly once, with its own item.
    expect([...all.arrived].sort()).toEqual([...names].sort());
    expect([...pairs.arrived].sort()).toEqual([...names].sort());
    // The first batch is the first elements, answered newest first; the outputs follow the elements.
    expect([...all.arrived.slice(0, 3)].sort()).toEqual(['ann', 'bob', 'cy']);
    expect(all.answered.slice(0, 3)).toEqual(all.arrived.slice(0, 3).reverse());
    expect([...pairs.arrived.slice(0, 2)].sort()).toEqual(['ann', 'bob']);
    expect(pairs.answered.slice(0, 2)).toEqual(pairs.arrived.slice(0, 2).reverse());
    expect(done.outputs?.titles).toEqual(names.map((name) => `done ${name}`));
    expect(done.outputs?.pairTitles).toEqual(names.map((name) => `done ${name}`));

    // The side-effect ledger holds one completed write per element, keyed <project>:<task>[<index>].
    const { rows } = await platform.resources.pool.query<{
      idempotency_key: string;
      status: string;
      title: string;
    }>(
      `select idempotency_key, status, output->>'title' as title from tool_side_effects
       where idempotency_key like $1 order by idempotency_key`,
      [`${id}:%`],
    );
    const expected = ['pairs', 'sign'].flatMap((task) =>
      names.map((name, index) => ({
        idempotency_key: `${id}:${task}[${index}]`,
        status: 'completed',
        title: `done ${name}`,
      })),
    );
    expect(rows).toEqual(expected);
    const report = (
      await platform.resources.pool.query<{ report: { calls: number } }>(
        'select report from projects where id = $1',
        [id],
      )
    ).rows[0]?.report;
    expect(report?.calls).toBe(12);
  }, 120_000);

  it('starts no new element after one fails, lets those in flight finish, and fails the task naming the element', async () => {
    const run = `fail-${Date.now()}`;
    // ann, broken and cy start together; ann and cy are held until broken has failed.
    group(`${run}/all`, Infinity);
    const id = await start(run, ['ann', 'broken', 'cy', 'dee', 'eve', 'fay'], 3);
    const failing = await until(id, (body) => body.tasks.sign?.elements?.failed === 1);
    expect(failing.tasks.sign).toMatchObject({
      status: 'running',
      elements: { total: 6, completed: 0, failed: 1 },
    });
    await eventually(async () => (group(`${run}/all`).waiting.length === 2 ? true : undefined));
    answerWaiting(`${run}/all`);
    const done = await until(id, ended);
    expect(done.status).toBe('failed');
    expect(done.tasks.sign?.elements).toEqual({ total: 6, completed: 2, failed: 1 });
    expect(done.tasks.sign?.status).toBe('failed');
    expect(done.tasks.sign?.error).toMatch(/^element 1: .*strict mode violation/);
    expect(done.error).toMatch(/^task sign failed: element 1: /);
    expect(done.tasks.pairs).toMatchObject({
      status: 'skipped',
      reason: 'needs sign, which did not complete',
    });
    // ann and cy were in flight with broken and finished; nothing after them started.
    const all = group(`${run}/all`);
    expect([...all.arrived].sort()).toEqual(['ann', 'cy']);
    expect([...all.answered].sort()).toEqual(['ann', 'cy']);
    const { rows } = await platform.resources.pool.query<{ idempotency_key: string; status: string }>(
      `select idempotency_key, status from tool_side_effects where idempotency_key like $1
       and status = 'completed' order by idempotency_key`,
      [`${id}:%`],
    );
    expect(rows.map((row) => row.idempotency_key)).toEqual([`${id}:sign[0]`, `${id}:sign[2]`]);
  }, 120_000);

  it('shares the limit of the project with its other tasks: a held call leaves the elements one slot less', async () => {
    const run = `shared-${Date.now()}`;
    const names = ['ann', 'bob', 'cy', 'dee'];
    const solo = group(`${run}/solo`, Infinity);
    const all = group(`${run}/all`, Infinity);
    const id = await start(run, names, 3, 'test-foreach-shared-limit');
    // solo holds one of the 3 slots: two elements in flight, and no third however long we wait.
    await eventually(async () => (solo.waiting.length === 1 && all.waiting.length === 2 ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(all.waiting).toHaveLength(2);
    expect((await project(id)).tasks.sign?.elements).toEqual({ total: 4, completed: 0, failed: 0 });
    // Its slot freed, the third element starts.
    answerWaiting(`${run}/solo`);
    await eventually(async () => (all.waiting.length === 3 ? true : undefined));
    expect(all.maxOpen).toBe(3);
    all.batch = 1;
    answerWaiting(`${run}/all`);
    const done = await until(id, ended);
    expect(done.status).toBe('completed');
    expect(all.maxOpen).toBe(3);
    expect(done.outputs?.titles).toEqual(names.map((name) => `done ${name}`));
  }, 120_000);

  it('replays the histories of these projects without nondeterminism', async () => {
    const histories = await Promise.all(
      started.map(async (workflowId) => ({
        workflowId,
        history: await platform.resources.temporal.workflow.getHandle(workflowId).fetchHistory(),
      })),
    );
    expect(histories).toHaveLength(3);
    const results = Worker.runReplayHistories(
      { workflowBundle: { codePath: inject('servers').bundlePath } },
      histories,
    );
    for await (const result of results) expect(result.error, result.workflowId).toBeUndefined();
  });
});
