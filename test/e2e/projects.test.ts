import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

let platform: TestPlatform;
let site: Server;
let siteUrl: string;

const page = `<!doctype html><html><head><title>Acme</title></head><body>
<h1>Acme yoga</h1>
<a href="/about">About</a> <a href="/missing">Missing</a>
<img src="/logo.png" alt="Acme logo"><img src="/hero.png">
</body></html>`;

beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === '/' || req.url === '/about')
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else if (req.url?.endsWith('.png')) res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
  site?.close();
});

interface ProjectBody {
  id: string;
  status: string;
  error?: string;
  plan?: {
    capsules: { id: string }[];
    tasks: { id: string }[];
    inputs: Record<string, unknown>;
    missing: string[];
  };
  tasks: Record<string, { status: string; output?: unknown; reason?: string }>;
  outputs?: Record<string, unknown>;
}

const project = async (id: string) =>
  (await (await platform.call(`/v1/projects/${id}`)).json()) as ProjectBody;
const until = (id: string, statuses: string[]) =>
  eventually(async () => {
    const body = await project(id);
    return statuses.includes(body.status) ? body : undefined;
  }, 60_000);

describe('KAMACHIQ projects through the API', () => {
  it('plans a landing page audit from the brief and runs it to completion on local Chromium', async () => {
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      json: {
        brief: `Audit our landing page at ${siteUrl} : take full-page screenshots on desktop and mobile widths, list broken links and missing alt texts.`,
        autoApprove: true,
      },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await until(id, ['completed', 'failed']);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules[0]?.id).toBe('landing-page-audit');
    expect(done.plan?.inputs.url).toBe(siteUrl);
    // No Linear credentials: the audit runs, and its optional Linear steps are skipped.
    const linearSteps = ['linearTeams', 'linkIssues'];
    for (const [taskId, task] of Object.entries(done.tasks))
      expect(task.status, taskId).toBe(linearSteps.includes(taskId) ? 'skipped' : 'completed');
    expect(done.tasks.linkIssues?.reason).toContain('tools.linear.configured');
    expect(done.outputs?.linearIssues).toEqual([]);
    expect(done.outputs?.brokenLinks).toEqual([
      expect.objectContaining({ href: `${siteUrl}missing`, ok: false }),
    ]);
    expect(done.outputs?.imagesWithoutAlt).toEqual([
      expect.objectContaining({ src: expect.stringContaining('hero.png') }),
    ]);
    expect(done.outputs?.screenshots).toHaveLength(2);
    const [shot] = done.outputs?.screenshots as { path: string; contentType: string }[];
    const download = await platform.call(`/v1/artifacts/${shot?.path}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await download.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const other = (
      (await (
        await platform.call('/v1/tenants', { method: 'POST', json: { id: `art-${Date.now()}`, name: 'x' } })
      ).json()) as { id: string }
    ).id;
    const otherKey = (
      (await (
        await platform.call('/v1/api-keys', {
          method: 'POST',
          json: { name: 'x', role: 'member', tenantId: other },
        })
      ).json()) as { key: string }
    ).key;
    expect((await platform.call(`/v1/artifacts/${shot?.path}`, { key: otherKey })).status).toBe(404);
    expect((await platform.call('/v1/artifacts/playwright/..%2F..%2Fadmin.key')).status).toBe(422);

    const { rows } = await platform.resources.pool.query<{
      report: { status: string; calls: number; tasks: unknown[] };
    }>('select report from projects where id = $1', [id]);
    expect(rows[0]?.report).toMatchObject({ status: 'completed', calls: 4 });
    expect(rows[0]?.report.tasks).toHaveLength(6);
  });

  it('waits for approval, and runs once an operator approves the plan', async () => {
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      json: {
        brief: 'Check the landing page for broken links',
        capsule: 'landing-page-audit',
        inputs: { url: siteUrl },
      },
    });
    const { id } = (await created.json()) as { id: string };
    const waiting = await until(id, ['awaiting_approval']);
    expect(waiting.plan?.tasks).toHaveLength(6);
    const plan = await platform.call(`/v1/projects/${id}/plan`);
    expect(((await plan.json()) as { version: number }).version).toBe(1);

    const member = (
      (await (
        await platform.call('/v1/api-keys', { method: 'POST', json: { name: 'm', role: 'member' } })
      ).json()) as { key: string }
    ).key;
    expect(
      (await platform.call(`/v1/projects/${id}/approve`, { method: 'POST', key: member, json: {} })).status,
    ).toBe(403);
    expect(
      (await platform.call(`/v1/projects/${id}/approve`, { method: 'POST', json: { planVersion: 7 } }))
        .status,
    ).toBe(409);
    expect(
      (await platform.call(`/v1/projects/${id}/approve`, { method: 'POST', json: { planVersion: 1 } }))
        .status,
    ).toBe(200);
    expect((await until(id, ['completed', 'failed'])).status).toBe('completed');
  });

  it('ends as expired when nobody approves in time, and as cancelled when rejected', async () => {
    const expiring = (await (
      await platform.call('/v1/projects', {
        method: 'POST',
        json: {
          brief: 'audit',
          capsule: 'landing-page-audit',
          inputs: { url: siteUrl },
          approvalTimeoutSeconds: 1,
        },
      })
    ).json()) as { id: string };
    expect((await until(expiring.id, ['expired', 'completed', 'failed'])).status).toBe('expired');

    const rejected = (await (
      await platform.call('/v1/projects', {
        method: 'POST',
        json: { brief: 'audit', capsule: 'landing-page-audit', inputs: { url: siteUrl } },
      })
    ).json()) as { id: string };
    await until(rejected.id, ['awaiting_approval']);
    expect(
      (
        await platform.call(`/v1/projects/${rejected.id}/reject`, {
          method: 'POST',
          json: { reason: 'not now' },
        })
      ).status,
    ).toBe(200);
    const done = await until(rejected.id, ['cancelled']);
    expect(done.error).toContain('not now');
  });

  it('refuses bad input with a clear 4xx and starts nothing', async () => {
    const before = (await platform.resources.pool.query('select count(*) from projects')).rows[0] as {
      count: string;
    };
    const empty = await platform.call('/v1/projects', { method: 'POST', json: { brief: '   ' } });
    expect(empty.status).toBe(422);
    expect(((await empty.json()) as { errors: { path: string; message: string }[] }).errors[0]).toMatchObject(
      { path: 'brief', message: 'must not be empty' },
    );
    const unknown = await platform.call('/v1/projects', {
      method: 'POST',
      json: { brief: 'x', capsule: 'nope' },
    });
    expect(((await unknown.json()) as { detail: string }).detail).toContain('no capsule "nope"');
    const badInput = await platform.call('/v1/projects', {
      method: 'POST',
      json: { brief: 'x', capsule: 'landing-page-audit', inputs: { url: 42 } },
    });
    expect(badInput.status).toBe(422);
    const huge = await platform.call('/v1/projects', { method: 'POST', json: { brief: 'x'.repeat(20_001) } });
    expect(huge.status).toBe(422);
    const after = (await platform.resources.pool.query('select count(*) from projects')).rows[0] as {
      count: string;
    };
    expect(after.count).toBe(before.count);
  });

  it('streams the state as Server-Sent Events until the project ends', async () => {
    const { id } = (await (
      await platform.call('/v1/projects', {
        method: 'POST',
        json: { brief: 'audit', capsule: 'landing-page-audit', inputs: { url: siteUrl }, autoApprove: true },
      })
    ).json()) as { id: string };
    const response = await platform.call(`/v1/projects/${id}/events`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const text = await response.text();
    const events = text
      .split('\n\n')
      .filter((block) => block.startsWith('event: state'))
      .map((block) => JSON.parse(block.slice(block.indexOf('data: ') + 6)) as { status: string });
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.at(-1)?.status).toBe('completed');
    expect(new Set(events.map((event) => event.status))).toContain('running');
  });

  it('fails a brief it cannot understand, saying what is missing', async () => {
    const { id } = (await (
      await platform.call('/v1/projects', {
        method: 'POST',
        json: { brief: 'Bake me a cake', autoApprove: true },
      })
    ).json()) as { id: string };
    const done = await until(id, ['failed']);
    expect(done.error).toMatch(/matches no capsule/);
  });
});
