import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LinearFake } from '../../adapters/linear/contract-fake.js';
import { linearGuard, linearResolvers } from '../../adapters/linear/contract-resolvers.js';
import {
  startGraphqlContractServer,
  type GraphqlContractServer,
} from '../contract/graphql-contract-server.js';
import { specsDir } from '../contract/load-spec.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * The landing-page-audit capsule from its sample brief, through the API, with Linear configured
 * for the tenant (pointing at the GraphQL contract server on Linear's published SDL): Chromium
 * audits a page this test serves, and one Linear issue is filed per broken link it finds, each
 * exchange validated against the SDL. (Without Linear the same capsule runs and skips the Linear
 * steps: test/e2e/projects.test.ts.)
 */
let platform: TestPlatform;
let site: Server;
let siteUrl: string;
/** A loopback port nothing listens on: a link there gets no HTTP answer at all. */
let closedPort: number;
let linear: { fake: LinearFake; server: GraphqlContractServer };
let key: string;

const page = () => `<!doctype html><html><head><title>Acme yoga</title></head><body>
<h1>Acme yoga</h1>
<nav><a href="/about">About</a> <a href="/pricing">Pricing</a> <a href="/about#team">Team</a></nav>
<p><a href="/missing">Old offer</a>, <a href="/gone">Retired page</a>, <a href="/broken">Classes</a>
and <a href="http://127.0.0.1:${closedPort}/partner">our partner</a>.</p>
<img src="/logo.png" alt="Acme logo"><img src="/hero.png">
</body></html>`;

/** What the page links to that is broken, as checkLinks reports it. */
const brokenHrefs = () => [
  `${siteUrl}missing`,
  `${siteUrl}gone`,
  `${siteUrl}broken`,
  `http://127.0.0.1:${closedPort}/partner`,
];

beforeAll(async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  closedPort = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));

  site = createServer((req, res) => {
    if (req.url === '/' || req.url === '/about' || req.url === '/pricing')
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page());
    else if (req.url?.endsWith('.png')) res.writeHead(200, { 'Content-Type': 'image/png' }).end();
    else if (req.url === '/gone') res.writeHead(410).end('gone');
    else if (req.url === '/broken') res.writeHead(500).end('server error');
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;

  const fake = new LinearFake();
  const [server, started] = await Promise.all([
    startGraphqlContractServer({
      sdlPath: path.join(specsDir(), 'linear', 'schema.graphql'),
      resolvers: linearResolvers(fake),
      guard: linearGuard(fake),
    }),
    startTestPlatform(),
  ]);
  linear = { fake, server };
  platform = started;
  key = await startTenant(platform, 'landing', { linear: { apiKey: fake.apiKey, apiUrl: server.url } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await linear?.server.stop();
  site?.close();
});

// Every exchange with Linear kept to its SDL; cleared after each test so one test's calls stay its own.
afterEach(() => {
  const violations = [...(linear?.server.violations ?? [])];
  linear?.server.reset();
  expect(violations).toEqual([]);
});

/** Requests that listed every team (listTeams); createIssue looks its team up with a filter. */
const teamListings = () =>
  linear.server.calls.filter((call) => call.fields.includes('teams') && call.variables.filter === undefined)
    .length;

const start = async (json: Record<string, unknown>) => {
  const created = await platform.call('/v1/projects', { method: 'POST', key, json });
  expect(created.status).toBe(202);
  return ((await created.json()) as { id: string }).id;
};

describe('capsule landing-page-audit with Linear configured', () => {
  it('audits the page and files one Linear issue per broken link', async () => {
    const brief = `Audit our landing page at ${siteUrl} : take full-page screenshots on desktop and mobile widths, list broken links and missing alt texts, and file a Linear issue per problem found.`;
    const done = await untilFinished(platform, key, await start({ brief, autoApprove: true }), 180_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['landing-page-audit']);
    expect(done.plan?.inputs.url).toBe(siteUrl);

    // The audit: the broken links Chromium found are exactly the page's broken ones.
    const broken = done.outputs?.brokenLinks as {
      href: string;
      ok: boolean;
      status?: number;
      error?: string;
    }[];
    expect(broken.map((link) => link.href).sort()).toEqual(brokenHrefs().sort());
    expect(broken.find((link) => link.href.endsWith('/partner'))).toMatchObject({
      ok: false,
      error: expect.any(String),
    });
    expect(done.outputs?.imagesWithoutAlt).toEqual([
      expect.objectContaining({ src: expect.stringContaining('hero.png') }),
    ]);
    expect(done.outputs?.screenshots).toHaveLength(2);

    // Linear: the team looked up once, then one issueCreate per broken link, counted on the server.
    expect(done.tasks.linearTeams?.status).toBe('completed');
    expect(done.tasks.linkIssues?.status).toBe('completed');
    expect(teamListings()).toBe(1);
    expect(linear.server.count('issueCreate')).toBe(broken.length);
    expect(linear.fake.issues).toHaveLength(broken.length);
    const eng = linear.fake.teamByKey('ENG'); // the first team the key sees
    for (const link of broken) {
      const filed = linear.fake.issues.filter((issue) => issue.title === `Broken link: ${link.href}`);
      expect(filed, link.href).toHaveLength(1);
      expect(filed[0]?.team.id).toBe(eng.id);
      expect(filed[0]?.description).toBe(
        `The landing page audit of ${siteUrl} found a broken link to ${link.href}: ${
          link.status === undefined ? `no HTTP answer (${link.error})` : `HTTP ${link.status}`
        }.`,
      );
    }
    expect(linear.fake.issues.find((issue) => issue.title.endsWith('/gone'))?.description).toContain(
      'HTTP 410',
    );
    expect((done.outputs?.linearIssues as string[]).sort()).toEqual(
      linear.fake.issues.map((issue) => issue.identifier).sort(),
    );
    expect(linear.server.violations).toEqual([]);
  });

  it('files into the team the inputs name, without listing teams', async () => {
    const before = linear.fake.issues.length;
    const done = await untilFinished(
      platform,
      key,
      await start({
        brief: 'Check the landing page for broken links and file a Linear issue for each',
        capsule: 'landing-page-audit',
        inputs: { url: siteUrl, linearTeam: 'OPS' },
        autoApprove: true,
      }),
      180_000,
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.tasks.linearTeams).toMatchObject({ status: 'skipped' });
    expect(teamListings()).toBe(0);
    expect(linear.server.count('issueCreate')).toBe(brokenHrefs().length);
    const filed = linear.fake.issues.slice(before);
    expect(filed.map((issue) => issue.team.key)).toEqual(brokenHrefs().map(() => 'OPS'));
    expect(filed.map((issue) => issue.title).sort()).toEqual(
      brokenHrefs()
        .map((href) => `Broken link: ${href}`)
        .sort(),
    );
    expect(linear.server.violations).toEqual([]);
  });
});
