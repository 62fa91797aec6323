import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FigmaFake, figmaHandlers } from '../../adapters/figma/contract-handlers.js';
import { figmaContractSpec } from '../../adapters/figma/contract-spec.js';
import { FakePlane } from '../../adapters/plane/contract-handlers.js';
import { planeSpecWithPagination } from '../../adapters/plane/plane-spec-fixes.js';
import {
  createSlackFake,
  SLACK_TEST_TOKEN_PREFIX,
  type SlackFake,
} from '../../adapters/slack/contract-handlers.js';
import { slackContractSpec } from '../../adapters/slack/contract-spec.js';
import { startContractServer, type ContractServer } from '../contract/contract-server.js';
import { loadSpec } from '../contract/load-spec.js';
import { quirksOf } from '../contract/vendor-quirks.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * The design-handoff capsule from its sample brief, through the API, against the Figma, Plane
 * and Slack contract servers: PNGs downloaded from Figma's (fake) image host and saved as the
 * tenant's artifacts, one work item linking them, one Slack message; every exchange to spec.
 */
let platform: TestPlatform;
let figma: { fake: FigmaFake; server: ContractServer };
let plane: { fake: FakePlane; server: ContractServer };
let slack: { fake: SlackFake; server: ContractServer };
let tenantKey: string;

beforeAll(async () => {
  const figmaFake = new FigmaFake();
  const planeFake = new FakePlane({ apiKey: 'plane_api_handoff_7c2e', workspaceSlug: 'acme' });
  const slackFake = createSlackFake();
  const [figmaServer, planeServer, slackServer] = await Promise.all([
    (async () =>
      startContractServer({
        spec: await figmaContractSpec(),
        handlers: figmaHandlers(figmaFake),
        serveOutsideSpec: (request) => figmaFake.serveRender(request),
      }))(),
    (async () =>
      startContractServer({
        spec: planeSpecWithPagination(await loadSpec('plane')),
        quirks: quirksOf('plane'),
        handlers: planeFake.handlers(),
      }))(),
    (async () =>
      startContractServer({
        spec: slackContractSpec(await loadSpec('slack')),
        quirks: quirksOf('slack'),
        handlers: slackFake.handlers,
      }))(),
  ]);
  figmaFake.origin = figmaServer.origin;
  figma = { fake: figmaFake, server: figmaServer };
  plane = { fake: planeFake, server: planeServer };
  slack = { fake: slackFake, server: slackServer };
  platform = await startTestPlatform();
  tenantKey = await startTenant(platform, 'handoff', {
    figma: { token: figmaFake.token, baseUrl: figmaServer.url },
    plane: { baseUrl: planeServer.origin, apiKey: 'plane_api_handoff_7c2e', workspaceSlug: 'acme' },
    slack: { token: `${SLACK_TEST_TOKEN_PREFIX}${randomUUID()}`, baseUrl: `${slackServer.url}/` },
  });
});
afterAll(async () => {
  await platform?.stop();
  await Promise.all([figma?.server.stop(), plane?.server.stop(), slack?.server.stop()]);
});

describe('capsule design-handoff', () => {
  it('exports the frames as PNG artifacts, opens a Plane work item linking them and notifies Slack', async () => {
    const project = plane.fake.addProject('Frontend', 'FE');
    const channel = slack.fake.seedChannel('frontend');
    const brief = `Hand off the new checkout design: export the frames of Figma file ${figma.fake.fileKey} as PNG, attach them to a new Plane work item for the frontend team, and notify the team on Slack.`;

    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key: tenantKey,
      json: {
        brief,
        autoApprove: true,
        inputs: {
          frameIds: ['1:2', '1:5'],
          title: 'Build the new checkout',
          planeProjectId: project.id,
          slackChannelId: channel.id,
        },
      },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await untilFinished(platform, tenantKey, id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['design-handoff']);
    expect(done.plan?.inputs.fileKey).toBe(figma.fake.fileKey);

    // Figma: both frames rendered and downloaded once each; the PNGs are on disk as the tenant's artifacts.
    expect(figma.fake.downloads.map((download) => download.path)).toEqual([
      expect.stringMatching(/\/1:2\.png$|\/1%3A2\.png$/),
      expect.stringMatching(/\/1:5\.png$|\/1%3A5\.png$/),
    ]);
    const frames = done.outputs?.frames as {
      nodeId: string;
      artifact: { name: string; path: string; size: number; contentType: string };
    }[];
    expect(frames.map((frame) => [frame.nodeId, frame.artifact.contentType])).toEqual([
      ['1:2', 'image/png'],
      ['1:5', 'image/png'],
    ]);
    const tenantDir = await artifactsDirOf(id);
    for (const frame of frames) {
      const png = await readFile(path.join(tenantDir, frame.artifact.path));
      expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
      expect(png.length).toBe(frame.artifact.size);
    }

    // Plane: exactly one work item in the frontend project, linking both artifacts.
    const items = [...plane.fake.workItems.values()];
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      project: project.id,
      name: 'Build the new checkout',
      priority: 'medium',
    });
    const description = String(items[0]?.description_html);
    for (const frame of frames) expect(description).toContain(`href="artifacts/${frame.artifact.path}"`);
    expect(description).toContain('2 frames exported as PNG');

    // Slack: one message in the team's channel naming the work item and the frames.
    const messages = slack.fake.messages.filter((message) => message.channel === channel.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain('Plane work item "Build the new checkout"');
    for (const frame of frames) expect(messages[0]?.text).toContain(frame.artifact.name);

    for (const server of [figma.server, plane.server, slack.server]) expect(server.violations).toEqual([]);
  });
});

/** The directory the worker saved this project's artifacts in: `<data dir>/artifacts/<tenant>`. */
async function artifactsDirOf(projectId: string): Promise<string> {
  const { rows } = await platform.resources.pool.query<{ tenant_id: string }>(
    'select tenant_id from projects where id = $1',
    [projectId],
  );
  expect(rows[0]?.tenant_id).toBeTruthy();
  return path.join(platform.resources.config.dataDir, 'artifacts', rows[0]?.tenant_id ?? '');
}
