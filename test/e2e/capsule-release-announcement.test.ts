import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFLUENCE_TEST_EMAIL,
  CONFLUENCE_TEST_TOKEN,
  createConfluenceFake,
  type ConfluenceFake,
} from '../../adapters/confluence/contract-handlers.js';
import { confluenceContractSpec } from '../../adapters/confluence/contract-spec.js';
import {
  createDiscordFake,
  DISCORD_TEST_TOKEN,
  type DiscordFake,
} from '../../adapters/discord/contract-handlers.js';
import {
  createGitlabFake,
  GITLAB_TEST_TOKEN,
  type GitlabFake,
} from '../../adapters/gitlab/contract-handlers.js';
import { packageRoot } from '../../core/paths.js';
import { startContractServer, type ContractServer } from '../contract/contract-server.js';
import { startTenant, untilFinished } from './capsule-support.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

/**
 * The release-announcement capsule from its sample brief, through the API, against the GitLab,
 * Discord and Confluence contract servers: the release, the message and the page version are
 * counted on the servers, and every exchange keeps to the vendors' schemas.
 */
const brief =
  'Release v2.3.0 of the mobile app: create the GitLab release notes from the merged merge requests, post the announcement to the #releases Discord channel and update the Confluence release page.';

let platform: TestPlatform;
let gitlab: { fake: GitlabFake; server: ContractServer };
let discord: { fake: DiscordFake; server: ContractServer };
let confluence: { fake: ConfluenceFake; server: ContractServer };
let key: string;

beforeAll(async () => {
  const gitlabFake = createGitlabFake();
  const discordFake = createDiscordFake();
  const confluenceFake = createConfluenceFake();
  const [gitlabServer, discordServer, confluenceServer] = await Promise.all([
    startContractServer({
      spec: path.join(packageRoot, 'adapters', 'gitlab', 'gitlab-v4.openapi.json'),
      handlers: gitlabFake.handlers,
    }),
    startContractServer({ vendor: 'discord', handlers: discordFake.handlers }),
    startContractServer({ spec: await confluenceContractSpec(), handlers: confluenceFake.handlers }),
  ]);
  gitlab = { fake: gitlabFake, server: gitlabServer };
  discord = { fake: discordFake, server: discordServer };
  confluence = { fake: confluenceFake, server: confluenceServer };
  platform = await startTestPlatform();
  key = await startTenant(platform, 'release', {
    gitlab: { token: GITLAB_TEST_TOKEN, host: gitlabServer.origin },
    discord: { token: DISCORD_TEST_TOKEN, baseUrl: discordServer.url },
    confluence: {
      baseUrl: confluenceServer.origin,
      email: CONFLUENCE_TEST_EMAIL,
      apiToken: CONFLUENCE_TEST_TOKEN,
    },
  });
});
afterAll(async () => {
  await platform?.stop();
  await Promise.all([gitlab?.server.stop(), discord?.server.stop(), confluence?.server.stop()]);
});

describe('capsule release-announcement', () => {
  it('releases v2.3.0 with notes from the merged merge requests, announces it on Discord and updates the Confluence page', async () => {
    const project = gitlab.fake.seedProject('mobile-app');
    gitlab.fake.seedRelease(project, 'v2.2.0', '2026-03-01T12:00:00.000Z');
    gitlab.fake.seedMergeRequest(project, {
      title: 'Before v2.2.0',
      source: 'old',
      mergedAt: '2026-02-20T10:00:00.000Z',
    });
    gitlab.fake.seedMergeRequest(project, {
      title: 'Offline <sync> & retry',
      source: 'sync',
      author: 'alice',
      mergedAt: '2026-03-03T16:30:00.000Z',
    });
    gitlab.fake.seedMergeRequest(project, {
      title: 'Dark mode',
      source: 'dark',
      author: 'bob',
      mergedAt: '2026-03-05T08:00:00.000Z',
    });
    gitlab.fake.seedMergeRequest(project, { title: 'Still open', source: 'wip' });
    const channel = discord.fake.seedChannel(discord.fake.seedGuild(), 'releases');
    const page = confluence.fake.seedPage(confluence.fake.seedSpace('MOB'), 'Mobile releases');

    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: {
        brief,
        autoApprove: true,
        inputs: {
          gitlabProject: 'somagent-bot/mobile-app',
          discordChannelId: channel.id,
          confluencePageId: page.id,
        },
      },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await untilFinished(platform, key, id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['release-announcement']);
    expect(done.plan?.inputs.version).toBe('2.3.0');

    // GitLab: one release v2.3.0 whose notes list exactly the two merge requests merged since v2.2.0.
    const release = project.releases.find((r) => r.tag_name === 'v2.3.0');
    const notes = String(release?.description);
    expect(notes).toBe(
      '## Changes since v2.2.0\n\n- Offline <sync> & retry (!2) by @alice\n- Dark mode (!3) by @bob',
    );
    expect(gitlab.server.count('createRelease')).toBe(1);
    expect(done.outputs?.mergeRequests).toEqual([2, 3]);

    // Discord: one message in #releases with the notes.
    expect(discord.fake.created).toBe(1);
    const [message] = discord.fake.messages.get(channel.id) ?? [];
    expect(message?.body.content).toBe(`**Released v2.3.0**\n\n${notes}`);
    expect(done.outputs?.announcement).toBe(message?.body.id);

    // Confluence: the page one version later, its body the notes as storage XHTML.
    expect(confluence.fake.versionsWritten).toBe(1);
    expect(confluence.fake.pages.get(page.id)).toMatchObject({
      version: 2,
      title: 'Mobile releases',
      body:
        '<h2>Release v2.3.0</h2><ul><li>Offline &lt;sync&gt; &amp; retry (!2) by @alice</li>' +
        '<li>Dark mode (!3) by @bob</li></ul>',
    });
    expect(done.outputs?.pageVersion).toBe(2);

    for (const server of [gitlab.server, discord.server, confluence.server])
      expect(server.violations).toEqual([]);
  });
});
