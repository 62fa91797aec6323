import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { untilFinished } from './capsule-support.js';

/** A capsule whose step uses another capsule (test/capsules/nested-audit.yaml uses landing-page-audit). */
let platform: TestPlatform;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  site = createServer((req, res) => {
    const page = (h1: string, body = '') =>
      `<!doctype html><title>Acme</title><h1>${h1}</h1>${body}<img src="/a.png" alt="logo">`;
    if (req.url === '/')
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page('Home', '<a href="/gone">Old</a>'));
    else if (req.url === '/about')
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page('About Acme yoga'));
    else if (req.url === '/a.png') res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  platform = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'test', 'capsules') });
});
afterAll(async () => {
  await platform?.stop();
  site?.close();
});

describe('a capsule that uses another capsule', () => {
  it("runs the used capsule's steps in its place, with the step's inputs, and reads its outputs", async () => {
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      json: {
        brief: 'Audit the site',
        capsule: 'nested-audit',
        inputs: { site: siteUrl },
        autoApprove: true,
      },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await untilFinished(platform, platform.adminKey, id, 60_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');

    const planned = Object.fromEntries((done.plan?.tasks ?? []).map((task) => [task.id, task.needs]));
    expect(Object.keys(planned)).toEqual([
      'home',
      'audit.screenshots',
      'audit.links',
      'audit.images',
      'audit.headline',
      'audit.linearTeams',
      'audit.linkIssues',
      'about',
    ]);
    expect(planned['audit.links']).toEqual(['home']);
    expect(planned.about).toEqual(expect.arrayContaining(['audit.links', 'audit.linkIssues']));

    // The audit ran on the URL the first step returned, through the step's `with`.
    expect(done.tasks['audit.links']?.status).toBe('completed');
    expect(done.tasks['audit.linkIssues']?.status).toBe('skipped');
    expect(done.outputs?.broken).toEqual([expect.objectContaining({ href: `${siteUrl}gone`, ok: false })]);
    // `about` read the audit's output (one broken link: 101 characters at most) after all its tasks.
    expect(done.outputs?.aboutHeadline).toBe('About Acme yoga');
    const aboutStarted = Date.parse(done.tasks.about?.startedAt ?? '');
    for (const task of ['audit.links', 'audit.screenshots', 'audit.headline'])
      expect(Date.parse(done.tasks[task]?.finishedAt ?? '')).toBeLessThanOrEqual(aboutStarted);
  });
});
