import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { loadSpec } from '../../test/contract/load-spec.js';
import type { OpenApiDocument } from '../../test/contract/openapi-types.js';
import { quirksOf } from '../../test/contract/vendor-quirks.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { SLACK_TEST_TOKEN_PREFIX, createSlackFake, slackUsers, type SlackFake } from './contract-handlers.js';
import { slackContractSpec } from './contract-spec.js';
import { slackAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

const tier =
  'contract server: ../shared/specs/slack/web-api.openapi.json (Swagger 2.0, 2021), plus the POST twins and upload methods of contract-spec.ts';

let spec: Promise<OpenApiDocument> | undefined;
const started: ContractServer[] = [];

/** A contract server with a fresh fake workspace; the spec is built once per file (validators compile once). */
async function startSlack(): Promise<{ fake: SlackFake; server: ContractServer }> {
  spec ??= loadSpec('slack').then(slackContractSpec);
  const fake = createSlackFake();
  const server = await startContractServer({
    spec: await spec,
    quirks: quirksOf('slack'),
    handlers: fake.handlers,
  });
  started.push(server);
  return { fake, server };
}

/** A new token per runtime: each gets its own rate-limit bucket, as two Slack apps would. */
const envFor = (server: ContractServer) => ({
  SLACK_BOT_TOKEN: `${SLACK_TEST_TOKEN_PREFIX}${randomUUID()}`,
  SLACK_API_URL: `${server.url}/`,
});

// Every request the adapter sent and every answer of the fake matched the spec, in every test.
afterEach(() => {
  for (const server of started) expect(server.violations.splice(0)).toEqual([]);
});

let conformance: { fake: SlackFake; channelId: string } | undefined;
testAdapter({
  adapter: slackAdapter,
  tier,
  start: async () => {
    const { fake, server } = await startSlack();
    conformance = { fake, channelId: fake.seedChannel('conformance').id };
    return { env: envFor(server), stop: () => server.stop() };
  },
  read: { operation: 'listChannels', input: {} },
  write: {
    operation: 'postMessage',
    get input() {
      return { channel: conformance?.channelId ?? '', text: 'conformance' };
    },
    count: async () => conformance?.fake.messages.length ?? 0,
  },
  notFound: { operation: 'postMessage', input: { channel: 'C0NOTFOUND01', text: 'nobody reads this' } },
  badEnv: { SLACK_BOT_TOKEN: 'xoxb-revoked-0000000000' },
});

describe(`slack adapter operations (${tier})`, () => {
  let fake: SlackFake;
  let server: ContractServer;
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'slack',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  const bodiesOf = (operationId: string) =>
    server.calls.filter((c) => c.operationId === operationId).map((c) => c.body as Record<string, unknown>);

  beforeAll(async () => {
    ({ fake, server } = await startSlack());
  });
  beforeEach(() => {
    tools = createTestToolRuntime([slackAdapter], envFor(server));
  });
  afterEach(async () => {
    await tools.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('createChannel creates it once; archiveChannel (its compensation) archives it, twice without error', async () => {
    const name = `release-${Date.now()}`;
    const created = await call<{ channelId: string; name: string; isPrivate: boolean }>(
      'createChannel',
      { name, isPrivate: true },
      `create:${name}`,
    );
    expect(created).toEqual({ channelId: expect.stringMatching(/^C[A-Z0-9]{10}$/), name, isPrivate: true });
    expect(bodiesOf('conversations_create')).toEqual([{ name, is_private: true }]);
    expect(fake.channels.get(created.channelId)).toMatchObject({ name, isPrivate: true, isArchived: false });

    const compensation = slackAdapter.operations.createChannel?.compensate;
    expect(compensation?.operation).toBe('archiveChannel');
    const archiveInput = compensation?.input({ name }, created);
    expect(await call('archiveChannel', archiveInput)).toEqual({
      channelId: created.channelId,
      archived: true,
    });
    expect(fake.channels.get(created.channelId)?.isArchived).toBe(true);
    // A retried compensation: Slack answers already_archived, which leaves the state asked for.
    expect(await call('archiveChannel', archiveInput)).toEqual({
      channelId: created.channelId,
      archived: true,
    });
    expect(server.calls.at(-1)?.response).toEqual({ ok: false, error: 'already_archived' });
  });

  it('createChannel maps name_taken to a non-retryable conflict', async () => {
    fake.seedChannel('taken-name');
    const error = await toolErrorOf(call('createChannel', { name: 'taken-name' }));
    expect(error.category).toBe('conflict');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('name_taken');
  });

  it('createChannel after a crash finds the channel by name through every page of conversations.list', async () => {
    fake.pageSize = 2;
    try {
      for (let i = 0; i < 5; i++) fake.seedChannel(`other-${Date.now()}-${i}`);
      const name = `crash-${Date.now()}`;
      const key = `recover:${name}`;
      const first = await call<{ channelId: string }>('createChannel', { name }, key);
      await tools.pool.query(
        "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
        [key],
      );
      const creates = server.count('conversations_create');
      const lists = server.count('conversations_list');
      const retry = await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'slack',
        operation: 'createChannel',
        input: { name },
        idempotencyKey: key,
      });
      expect(retry).toEqual({
        output: { channelId: first.channelId, name, isPrivate: false },
        replayed: true,
      });
      expect(server.count('conversations_create')).toBe(creates);
      // Far more than two channels exist by now, so finding it took several pages.
      expect(server.count('conversations_list') - lists).toBeGreaterThan(2);
      expect(bodiesOf('conversations_list').at(-1)).toMatchObject({
        types: 'public_channel',
        exclude_archived: true,
      });
    } finally {
      fake.pageSize = 100;
    }
  });

  it('inviteUsers invites, treats members already there as done, and maps an unknown user to not_found', async () => {
    const channel = fake.seedChannel(`team-${Date.now()}`);
    expect(await call('inviteUsers', { channel: channel.id, users: [slackUsers.alice] })).toEqual({
      channelId: channel.id,
      invited: [slackUsers.alice],
      alreadyMembers: [],
    });
    expect(
      await call('inviteUsers', { channel: channel.id, users: [slackUsers.alice, slackUsers.bob] }),
    ).toEqual({
      channelId: channel.id,
      invited: [slackUsers.bob],
      alreadyMembers: [slackUsers.alice],
    });
    expect([...channel.members].sort()).toEqual([slackUsers.alice, slackUsers.bob, slackUsers.bot].sort());
    expect(bodiesOf('conversations_invite').map((body) => body.users)).toEqual([
      slackUsers.alice,
      `${slackUsers.alice},${slackUsers.bob}`,
      slackUsers.bob,
    ]);
    const error = await toolErrorOf(call('inviteUsers', { channel: channel.id, users: ['U0NOBODY0001'] }));
    expect(error.category).toBe('not_found');
  });

  it('postMessage sends text and Block Kit blocks; deleteMessage (its compensation) removes it, twice without error', async () => {
    const channel = fake.seedChannel(`deploys-${Date.now()}`);
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Deploy finished' } },
      { type: 'section', text: { type: 'mrkdwn', text: '*api* is live on `v1.2.3`' } },
    ];
    const posted = await call<{ channel: string; ts: string }>('postMessage', {
      channel: channel.id,
      text: 'Deploy finished: api v1.2.3',
      blocks,
    });
    expect(posted).toEqual({ channel: channel.id, ts: expect.stringMatching(/^\d{10}\.\d{6}$/) });
    const sent = bodiesOf('chat_postMessage').at(-1) ?? {};
    expect(sent).toMatchObject({ channel: channel.id, text: 'Deploy finished: api v1.2.3' });
    expect(JSON.parse(String(sent.blocks))).toEqual(blocks);
    expect(fake.messages.find((m) => m.ts === posted.ts)).toMatchObject({
      text: 'Deploy finished: api v1.2.3',
      blocks,
    });

    const reply = await call<{ ts: string }>('postMessage', {
      channel: channel.id,
      text: 'details',
      threadTs: posted.ts,
    });
    expect(fake.messages.find((m) => m.ts === reply.ts)?.threadTs).toBe(posted.ts);

    const compensation = slackAdapter.operations.postMessage?.compensate;
    expect(compensation?.operation).toBe('deleteMessage');
    const deleteInput = compensation?.input({}, posted);
    expect(await call('deleteMessage', deleteInput)).toEqual({ ...posted, deleted: true });
    expect(fake.messages.some((m) => m.ts === posted.ts)).toBe(false);
    expect(await call('deleteMessage', deleteInput)).toEqual({ ...posted, deleted: true });
    expect(server.calls.at(-1)?.response).toEqual({ ok: false, error: 'message_not_found' });
  });

  it('updateMessage replaces text and blocks; it needs one of them and a message that exists', async () => {
    const channel = fake.seedChannel(`status-${Date.now()}`);
    const posted = await call<{ ts: string }>('postMessage', { channel: channel.id, text: 'Build running' });
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: ':white_check_mark: Build passed' } }];
    expect(
      await call('updateMessage', { channel: channel.id, ts: posted.ts, text: 'Build passed', blocks }),
    ).toEqual({
      channel: channel.id,
      ts: posted.ts,
      text: 'Build passed',
    });
    expect(fake.messages.find((m) => m.ts === posted.ts)).toMatchObject({
      text: 'Build passed',
      blocks,
      edited: true,
    });

    const updates = server.count('chat_update');
    const invalid = await toolErrorOf(call('updateMessage', { channel: channel.id, ts: posted.ts }));
    expect(invalid.category).toBe('invalid_input');
    expect(server.count('chat_update')).toBe(updates);

    const missing = await toolErrorOf(
      call('updateMessage', { channel: channel.id, ts: '1000000000.000001', text: 'x' }),
    );
    expect(missing.category).toBe('not_found');
  });

  it('uploadFile sends text, base64 and artifact files through the three upload steps; deleteFile removes one', async () => {
    const channel = fake.seedChannel(`reports-${Date.now()}`);
    const report = 'service,status\napi,green\nweb,green\n';
    const uploaded = await call<{ fileId: string; channel: string; title?: string }>('uploadFile', {
      channel: channel.id,
      filename: 'status.csv',
      content: report,
      title: 'Status report',
      initialComment: 'Nightly status',
    });
    expect(uploaded).toEqual({
      fileId: expect.stringMatching(/^F/),
      channel: channel.id,
      title: 'Status report',
    });
    expect(fake.files.get(uploaded.fileId)).toMatchObject({
      filename: 'status.csv',
      title: 'Status report',
      channel: channel.id,
      initialComment: 'Nightly status',
      length: Buffer.byteLength(report),
    });
    expect(fake.files.get(uploaded.fileId)?.bytes?.toString()).toBe(report);
    const steps = server.calls.slice(-3).map((c) => c.operationId);
    expect(steps).toEqual([
      'files_getUploadURLExternal',
      'upload_file_bytes',
      'files_completeUploadExternal',
    ]);
    expect(bodiesOf('files_getUploadURLExternal').at(-1)).toMatchObject({
      filename: 'status.csv',
      length: Buffer.byteLength(report),
    });
    expect(JSON.parse(String(bodiesOf('files_completeUploadExternal').at(-1)?.files))).toEqual([
      { id: uploaded.fileId, title: 'Status report' },
    ]);

    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const image = await call<{ fileId: string }>('uploadFile', {
      channel: channel.id,
      filename: 'chart.png',
      contentBase64: png.toString('base64'),
    });
    expect(fake.files.get(image.fileId)?.bytes).toEqual(png);

    // An artifact another operation saved for this tenant (the harness keeps them under the OS temp dir).
    const relative = path.join('slack-test', `${randomUUID()}-plan.txt`);
    const absolute = path.join(os.tmpdir(), 'somagent-test-artifacts', 'default', relative);
    await mkdir(path.dirname(absolute), { recursive: true });
    await writeFile(absolute, 'Plan: 3 to add, 0 to change, 0 to destroy.');
    const artifact = await call<{ fileId: string }>('uploadFile', {
      channel: channel.id,
      filename: 'plan.txt',
      artifact: { path: relative },
    });
    expect(fake.files.get(artifact.fileId)?.bytes?.toString()).toBe(
      'Plan: 3 to add, 0 to change, 0 to destroy.',
    );
    const outside = await toolErrorOf(
      call('uploadFile', { channel: channel.id, filename: 'x', artifact: { path: '../../../etc/passwd' } }),
    );
    expect(outside.category).toBe('invalid_input');
    const gone = await toolErrorOf(
      call('uploadFile', { channel: channel.id, filename: 'x', artifact: { path: 'slack-test/none.txt' } }),
    );
    expect(gone.category).toBe('not_found');

    const both = await toolErrorOf(
      call('uploadFile', { channel: channel.id, filename: 'x', content: 'a', contentBase64: 'YQ==' }),
    );
    expect(both.category).toBe('invalid_input');

    const compensation = slackAdapter.operations.uploadFile?.compensate;
    expect(compensation?.operation).toBe('deleteFile');
    expect(await call('deleteFile', compensation?.input({}, uploaded))).toEqual({
      fileId: uploaded.fileId,
      deleted: true,
    });
    expect(fake.files.has(uploaded.fileId)).toBe(false);
  });

  it('maps channel_not_found, an HTTP 503 and a network failure to not_found and transient', async () => {
    const archive = await toolErrorOf(call('archiveChannel', { channel: 'C0NOTFOUND01' }));
    expect(archive).toMatchObject({ category: 'not_found', retryable: false });

    fake.answerNext('conversations_list', { status: 503, body: { ok: false, error: 'request_timeout' } });
    const outage = await toolErrorOf(call('listChannels', {}));
    expect(outage).toMatchObject({ category: 'transient', retryable: true, details: { status: 503 } });

    const offline = createTestToolRuntime([slackAdapter], {
      SLACK_BOT_TOKEN: `${SLACK_TEST_TOKEN_PREFIX}${randomUUID()}`,
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
    });
    try {
      const error = await toolErrorOf(
        offline.runtime.invoke({ tenantId: 'default', tool: 'slack', operation: 'listChannels', input: {} }),
      );
      expect(error).toMatchObject({ category: 'transient', retryable: true });
    } finally {
      await offline.close();
    }
  });
});

describe(`slack: a 429 with Retry-After pauses that key for all workers (${tier})`, () => {
  let fake: SlackFake;
  let server: ContractServer;

  beforeAll(async () => {
    ({ fake, server } = await startSlack());
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("worker A's 429 makes worker B wait for Retry-After before reaching Slack, then succeed", async () => {
    const env = envFor(server);
    const workerA = createTestToolRuntime([slackAdapter], env);
    const workerB = createTestToolRuntime([slackAdapter], env);
    try {
      const channel = fake.seedChannel(`alerts-${Date.now()}`);
      const post = (runtime: TestToolRuntime, text: string) =>
        runtime.runtime.invoke({
          tenantId: 'default',
          tool: 'slack',
          operation: 'postMessage',
          input: { channel: channel.id, text },
        });
      // What Slack does past a method's tier: HTTP 429, Retry-After in seconds.
      fake.answerNext('chat_postMessage', {
        status: 429,
        headers: { 'retry-after': '2' },
        body: { ok: false, error: 'rate_limited' },
      });

      const error = await toolErrorOf(post(workerA, 'from A'));
      expect(error.category).toBe('rate_limited');
      expect(error.retryable).toBe(true);
      expect(error.details.retryAfterMs).toBe(2000);

      const result = await post(workerB, 'from B');
      expect(result.output).toMatchObject({ channel: channel.id });
      expect(server.count('chat_postMessage')).toBe(2);
      const [rejectedAt = 0, acceptedAt = 0] = fake.postArrivals;
      expect(fake.postArrivals).toHaveLength(2);
      expect(acceptedAt - rejectedAt).toBeGreaterThanOrEqual(1950);
      expect(acceptedAt - rejectedAt).toBeLessThan(5000);
      expect(fake.messages.map((m) => m.text)).toEqual(['from B']);
    } finally {
      await Promise.all([workerA.close(), workerB.close()]);
    }
  });
});

const liveToken = process.env.SLACK_BOT_TOKEN;
const liveChannel = process.env.SLACK_LIVE_CHANNEL;
describe.skipIf(!liveToken)('slack adapter live (SLACK_BOT_TOKEN set)', () => {
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown) =>
    (await tools.runtime.invoke({ tenantId: 'default', tool: 'slack', operation, input })).output as T;

  beforeAll(() => {
    // The real Slack, whatever SLACK_API_URL says elsewhere.
    tools = createTestToolRuntime([slackAdapter], { SLACK_BOT_TOKEN: liveToken ?? '' });
  });
  afterAll(async () => {
    await tools?.close();
  });

  it('authenticates and lists channels', async () => {
    expect(await tools.runtime.checkConnection('default', 'slack')).toEqual({ reachable: true });
    const listed = await call<{ channels: { channelId: string }[] }>('listChannels', {
      types: ['public_channel'],
    });
    expect(Array.isArray(listed.channels)).toBe(true);
  });

  it.skipIf(!liveChannel)(
    'posts, updates and deletes a message and a file in SLACK_LIVE_CHANNEL',
    async () => {
      const channel = liveChannel ?? '';
      const posted = await call<{ channel: string; ts: string }>('postMessage', {
        channel,
        text: 'SomaGent live test',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*SomaGent* live test' } }],
      });
      await call('updateMessage', { channel, ts: posted.ts, text: 'SomaGent live test (updated)' });
      const file = await call<{ fileId: string }>('uploadFile', {
        channel,
        filename: 'somagent-live.txt',
        content: 'live test',
      });
      await call('deleteFile', { fileId: file.fileId });
      expect(await call('deleteMessage', posted)).toMatchObject({ deleted: true });
    },
  );
});
if (!liveToken) {
  console.info(
    'slack live test skipped: set SLACK_BOT_TOKEN (scopes channels:read, groups:read) to run it, and SLACK_LIVE_CHANNEL ' +
      '(a channel id the bot is in; scopes chat:write, files:write) to also post, update and delete there',
  );
}
