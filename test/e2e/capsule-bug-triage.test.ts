import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeRepo, GithubFake } from '../../adapters/github/contract-fake.js';
import { startGithubContract } from '../../adapters/github/contract-handlers.js';
import {
  SLACK_TEST_TOKEN_PREFIX,
  createSlackFake,
  type SlackChannelRecord,
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
 * The bug-triage capsule from its sample brief, through the API, against the GitHub and Slack
 * contract servers seeded with a repository of bugs (two with the same title) and two channels
 * whose names both contain "eng": labels and the summary are checked on the servers.
 */
const brief =
  'Triage the open GitHub issues labelled bug in repo acme/widgets: group duplicates, label each by area, and post a summary to the #eng Slack channel.';
const githubToken = 'ghp_bugTriageContractToken00000000000001';
const login = 'triage-bot';

let platform: TestPlatform;
let key: string;
let github: { server: ContractServer; fake: GithubFake };
let slack: { server: ContractServer; fake: SlackFake };
let repo: FakeRepo;
let eng: SlackChannelRecord;
let engRandom: SlackChannelRecord;

beforeAll(async () => {
  const slackFake = createSlackFake();
  const [githubStarted, slackServer, started] = await Promise.all([
    startGithubContract({ users: { [githubToken]: login }, orgs: ['acme'] }),
    loadSpec('slack').then((vendor) =>
      startContractServer({
        spec: slackContractSpec(vendor),
        quirks: quirksOf('slack'),
        handlers: slackFake.handlers,
      }),
    ),
    startTestPlatform(),
  ]);
  github = githubStarted;
  slack = { server: slackServer, fake: slackFake };
  platform = started;

  repo = github.fake.createRepo('acme', {
    name: 'widgets',
    private: false,
    autoInit: true,
    ownerIsOrg: true,
    author: 'alice',
  });
  const open = (title: string, labels: string[]) => github.fake.openIssue(repo, 'alice', { title, labels });
  open('Login fails on Safari', ['bug']); // 1: auth
  open('Button misaligned on the checkout page', ['bug']); // 2: ui
  open('Crash when saving settings', ['bug']); // 3: general
  open('login fails on Safari ', ['bug']); // 4: auth, duplicate of 1
  open('Password reset email never arrives', ['bug']); // 5: auth
  open('API request times out on large exports', ['bug']); // 6: api
  open('Add a dark mode', ['enhancement']); // 7: not a bug, untouched
  github.fake.closeIssue(open('Old login bug', ['bug']), 'completed'); // 8: closed, untouched
  engRandom = slackFake.seedChannel('eng-random');
  eng = slackFake.seedChannel('eng');

  key = await startTenant(platform, 'bug-triage', {
    github: { token: githubToken, baseUrl: github.server.url },
    slack: { token: `${SLACK_TEST_TOKEN_PREFIX}${randomUUID()}`, baseUrl: `${slack.server.url}/` },
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await Promise.all([github?.server.stop(), slack?.server.stop()]);
});

// Every request the adapters sent and every answer of the fakes kept the vendors' schemas.
expectNoViolationsAfterEach(() => [github.server, slack.server]);

const finished = (id: string) => untilFinished(platform, key, id, 120_000);

describe('bug-triage capsule', () => {
  it('labels each open bug by area, marks the duplicate, and posts the summary to #eng', async () => {
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: { brief, autoApprove: true },
    });
    expect(created.status).toBe(202);
    const done = await finished(((await created.json()) as { id: string }).id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['bug-triage']);
    expect(done.plan?.inputs).toMatchObject({ repo: 'acme/widgets', channel: 'eng' });

    // The area labels exist once each; every open bug got its area, the later same-titled one "duplicate".
    const labelsOf = (number: number) => repo.issues.get(number)?.labels;
    expect(labelsOf(1)).toEqual(['bug', 'area:auth']);
    expect(labelsOf(2)).toEqual(['bug', 'area:ui']);
    expect(labelsOf(3)).toEqual(['bug', 'area:general']);
    expect(labelsOf(4)).toEqual(['bug', 'area:auth', 'duplicate']);
    expect(labelsOf(5)).toEqual(['bug', 'area:auth']);
    expect(labelsOf(6)).toEqual(['bug', 'area:api']);
    expect(labelsOf(7)).toEqual(['enhancement']);
    expect(labelsOf(8)).toEqual(['bug']);
    expect(github.server.count('issues/add-labels')).toBe(6);
    expect(github.server.count('issues/create-label')).toBe(4);
    for (const [name, color] of [
      ['area:auth', 'b60205'],
      ['area:ui', '1d76db'],
      ['area:api', '0e8a16'],
      ['area:general', 'cccccc'],
    ] as const) {
      expect(repo.labels.get(name)).toMatchObject({ name, color });
    }

    // One summary, in #eng (not #eng-random), with the counts per area and the duplicate group.
    expect(slack.fake.messages).toHaveLength(1);
    expect(slack.fake.messages[0]?.channel).toBe(eng.id);
    expect(slack.fake.messages.some((message) => message.channel === engRandom.id)).toBe(false);
    expect(slack.fake.messages[0]?.text).toBe(
      [
        'Bug triage of acme/widgets: 6 open issues labelled bug.',
        'By area:',
        '• area:auth: 3',
        '• area:ui: 1',
        '• area:api: 1',
        '• area:general: 1',
        'Duplicates (same title):',
        '• login fails on safari: #1, #4',
      ].join('\n'),
    );

    expect(done.outputs).toMatchObject({
      issues: [1, 2, 3, 4, 5, 6],
      channel: eng.id,
      summaryTs: slack.fake.messages[0]?.ts,
    });
    expect(done.outputs?.labels).toEqual([
      { issue: 1, labels: ['bug', 'area:auth'] },
      { issue: 2, labels: ['bug', 'area:ui'] },
      { issue: 3, labels: ['bug', 'area:general'] },
      { issue: 4, labels: ['bug', 'area:auth', 'duplicate'] },
      { issue: 5, labels: ['bug', 'area:auth'] },
      { issue: 6, labels: ['bug', 'area:api'] },
    ]);
  });
});
