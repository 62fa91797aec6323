import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GithubFake } from '../../adapters/github/contract-fake.js';
import { startGithubContract } from '../../adapters/github/contract-handlers.js';
import {
  NOTION_TEST_TOKEN_PREFIX,
  createNotionFake,
  type NotionFake,
} from '../../adapters/notion/contract-handlers.js';
import {
  SLACK_TEST_TOKEN_PREFIX,
  createSlackFake,
  type SlackFake,
} from '../../adapters/slack/contract-handlers.js';
import { slackContractSpec } from '../../adapters/slack/contract-spec.js';
import { startContractServer, type ContractServer } from '../contract/contract-server.js';
import { loadSpec } from '../contract/load-spec.js';
import { quirksOf } from '../contract/vendor-quirks.js';
import { expectNoViolationsAfterEach } from '../contract/no-violations.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * The web-app-starter capsule from its sample brief, through the API, against the GitHub, Slack
 * and Notion contract servers: every side effect is counted on the servers, and every exchange
 * must keep each vendor's published schema.
 */
const brief =
  'Start a new web app called Lumen for booking yoga classes. Create the code repository with a README and a CI workflow, open the first five issues for the MVP, set up a Slack channel for the team and a Notion page with the product spec.';
const githubToken = 'ghp_webAppStarterContractToken0000000001';
const login = 'lumen-bot';

let platform: TestPlatform;
let key: string;
let github: { server: ContractServer; fake: GithubFake };
let slack: { server: ContractServer; fake: SlackFake };
let notion: { server: ContractServer; fake: NotionFake };
let parentPageId: string;

beforeAll(async () => {
  const slackFake = createSlackFake();
  const notionFake = createNotionFake();
  const { 'create-database': _createDatabase, ...notionHandlers } = notionFake.handlers;
  const [githubStarted, slackServer, notionServer, started] = await Promise.all([
    startGithubContract({ users: { [githubToken]: login } }),
    loadSpec('slack').then((vendor) =>
      startContractServer({
        spec: slackContractSpec(vendor),
        quirks: quirksOf('slack'),
        handlers: slackFake.handlers,
      }),
    ),
    startContractServer({ vendor: 'notion', handlers: notionHandlers }),
    startTestPlatform(),
  ]);
  github = githubStarted;
  slack = { server: slackServer, fake: slackFake };
  notion = { server: notionServer, fake: notionFake };
  platform = started;
  parentPageId = notionFake.seedPage('Products');

  key = await startTenant(platform, 'web-app-starter', {
    github: { token: githubToken, baseUrl: github.server.url },
    slack: { token: `${SLACK_TEST_TOKEN_PREFIX}${randomUUID()}`, baseUrl: `${slack.server.url}/` },
    notion: { token: `${NOTION_TEST_TOKEN_PREFIX}${randomUUID()}`, baseUrl: notion.server.url },
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await Promise.all([github?.server.stop(), slack?.server.stop(), notion?.server.stop()]);
});

// Every request the adapters sent and every answer of the fakes kept the vendors' schemas.
expectNoViolationsAfterEach(() => [github.server, slack.server, notion.server]);

const start = async (body: Record<string, unknown>) => {
  const created = await platform.call('/v1/projects', { method: 'POST', key, json: body });
  expect(created.status).toBe(202);
  return ((await created.json()) as { id: string }).id;
};
const finished = (id: string) => untilFinished(platform, key, id, 120_000);

const textOf = (body: Record<string, unknown>) =>
  ((body.rich_text ?? []) as { plain_text: string }[]).map((part) => part.plain_text).join('');

describe('web-app-starter capsule', () => {
  it('says the Notion parent page is missing when only the brief is given, and creates nothing', async () => {
    const done = await finished(await start({ brief, autoApprove: true }));
    expect(done.status).toBe('failed');
    expect(done.plan?.capsules[0]?.id).toBe('web-app-starter');
    expect(done.plan?.missing).toEqual([expect.stringContaining('input "notionParentPageId"')]);
    expect(done.error).toContain('notionParentPageId');
    expect(github.fake.repos.size).toBe(0);
    expect(slack.fake.channels.size).toBe(0);
    expect(notion.fake.created).toHaveLength(0);
  });

  it('creates the repository with README and CI in one commit, five issues, a channel with an announcement and the spec page', async () => {
    const id = await start({ brief, inputs: { notionParentPageId: parentPageId }, autoApprove: true });
    const done = await finished(id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['web-app-starter']);
    expect(done.plan?.inputs).toMatchObject({ name: 'Lumen', issueCount: 5 });
    expect(Object.values(done.tasks).every((task) => task.status === 'completed')).toBe(true);

    // GitHub: one repository, whose head commit brought the README and the CI workflow together.
    expect(github.server.count('repos/create-for-authenticated-user')).toBe(1);
    const repo = github.fake.repo(login, 'lumen');
    const head = github.fake.commit(repo.refs.get('refs/heads/main') ?? '');
    expect(head.message).toBe('Add README and CI workflow');
    const tree = github.fake.tree(head.tree);
    const parentTree = github.fake.tree(github.fake.commit(head.parents[0] ?? '').tree);
    expect([...tree.keys()].sort()).toEqual(['.github/workflows/ci.yml', 'README.md']);
    expect(parentTree.has('.github/workflows/ci.yml')).toBe(false);
    expect(parentTree.get('README.md')?.sha).not.toBe(tree.get('README.md')?.sha);
    const file = (path: string) => github.fake.blobs.get(tree.get(path)?.sha ?? '')?.toString('utf8') ?? '';
    expect(file('README.md')).toMatch(/^# Lumen\n/);
    expect(file('.github/workflows/ci.yml')).toContain('npm test');
    expect(github.server.count('git/create-commit')).toBe(1);

    // Five MVP issues, each opened once.
    expect(github.server.count('issues/create')).toBe(5);
    const issues = [...repo.issues.values()];
    expect(issues.map((issue) => issue.title)).toEqual([
      'Set up the development environment and CI',
      'Define the data model',
      'Build the main user flow',
      'Add sign-up and sign-in',
      'Deploy a staging environment',
    ]);
    expect(issues.every((issue) => issue.labels.includes('mvp') && issue.state === 'open')).toBe(true);

    // Slack: the team channel, named after the app, with one announcement linking the repository.
    const channels = [...slack.fake.channels.values()];
    expect(channels.map((channel) => channel.name)).toEqual(['lumen']);
    const messages = slack.fake.messages.filter((message) => message.channel === channels[0]?.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.text).toContain('https://github.com/lumen-bot/lumen');
    expect(messages[0]?.text).toContain('5 MVP issues');
    expect(slack.fake.messages).toHaveLength(1);

    // Notion: one spec page under the given parent, with the spec's blocks and the MVP as a checklist.
    expect(notion.fake.created).toHaveLength(1);
    const pageId = notion.fake.created[0] ?? '';
    expect(notion.fake.titleOf(pageId)).toBe('Lumen product spec');
    expect(notion.fake.pages.get(pageId)?.parent).toMatchObject({ type: 'page_id', page_id: parentPageId });
    const blocks = (notion.fake.children.get(pageId) ?? []).map((blockId) => notion.fake.blocks.get(blockId));
    expect(blocks.map((block) => block?.type)).toEqual([
      'heading_1',
      'paragraph',
      'heading_2',
      'bulleted_list_item',
      'bulleted_list_item',
      'heading_2',
      ...Array<string>(5).fill('to_do'),
    ]);
    const texts = blocks.map((block) => textOf(block?.body ?? {}));
    expect(texts).toContain('Repository: https://github.com/lumen-bot/lumen');
    expect(texts).toContain('Slack channel: #lumen');
    expect(texts.slice(6)).toEqual(issues.map((issue) => `${issue.title} (#${issue.number})`));

    expect(done.outputs).toEqual({
      repository: 'https://github.com/lumen-bot/lumen',
      ciCommit: head.sha,
      issues: [1, 2, 3, 4, 5],
      channel: 'lumen',
      channelId: channels[0]?.id,
      specPage: expect.stringContaining(pageId.replace(/-/g, '')),
    });
  });
});
