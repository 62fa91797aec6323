import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  startContractServer,
  type ContractResponse,
  type ContractServer,
  type ContractServerOptions,
} from './contract-server.js';
import { responseExample } from './spec-examples.js';

// Start-up per vendor (spec load on first use in this process, route index, listen) and the first
// request (which compiles that operation's validators), printed at the end.
const timings = new Map<string, { vendor: string; startup: number; firstRequest?: number }>();
async function start(vendor: string, options: ContractServerOptions): Promise<ContractServer> {
  const began = performance.now();
  const server = await startContractServer(options);
  timings.set(server.origin, { vendor, startup: performance.now() - began });
  return server;
}
afterAll(() => {
  const lines = [...timings.values()].map(
    (t) =>
      `${t.vendor.padEnd(16)} start-up ${Math.round(t.startup)} ms` +
      (t.firstRequest === undefined ? '' : `, first request ${Math.round(t.firstRequest)} ms`),
  );
  console.log(`contract servers:\n  ${lines.join('\n  ')}`);
});

/** Lets a test make one handler answer something else (a broken response) for one request. */
function switchable(valid: ContractResponse | ((body: unknown) => ContractResponse)) {
  let next: ContractResponse | undefined;
  return {
    handler: (request: { body: unknown }) => {
      const answer = next ?? (typeof valid === 'function' ? valid(request.body) : valid);
      next = undefined;
      return answer;
    },
    answerOnce(response: ContractResponse) {
      next = response;
    },
  };
}

async function send(url: string, init: RequestInit = {}) {
  const began = performance.now();
  const response = await fetch(url, init);
  const text = await response.text();
  const timing = timings.get(new URL(url).origin);
  if (timing) timing.firstRequest ??= performance.now() - began;
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

const json = (body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

describe('Slack (Swagger 2.0 converted; form-encoded Web API)', () => {
  let server: ContractServer;
  const ts = '1503435956.000247';
  const postMessage = switchable((body) => ({
    status: 200,
    body: {
      ok: true,
      channel: (body as { channel: string }).channel,
      ts,
      message: { type: 'message', text: (body as { text: string }).text, user: 'U012AB3CDE', ts },
    },
  }));
  const createConversation = switchable(() => ({
    status: 200,
    body: responseExample(server.doc, 'conversations_create', 200),
  }));
  const form = (fields: Record<string, string>, token: string | null = 'xoxb-test-token'): RequestInit => ({
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: new URLSearchParams(fields),
  });

  beforeAll(async () => {
    server = await start('slack', {
      vendor: 'slack',
      handlers: { chat_postMessage: postMessage.handler, conversations_create: createConversation.handler },
    });
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it('chat.postMessage: a form-encoded post with a bearer token passes, fields coerced', async () => {
    const answer = await send(
      `${server.url}/chat.postMessage`,
      form({ channel: 'C0123456789', text: 'Build passed', unfurl_links: 'false' }),
    );
    expect(answer).toMatchObject({ status: 200, body: { ok: true, channel: 'C0123456789', ts } });
    expect(server.violations).toEqual([]);
    expect(server.count('chat_postMessage')).toBe(1);
    expect(server.calls[0]?.body).toMatchObject({ channel: 'C0123456789', unfurl_links: false });
  });

  it('chat.postMessage: a JSON body is accepted too, as Slack does', async () => {
    const answer = await send(
      `${server.url}/chat.postMessage`,
      json({ channel: 'C0123456789', text: 'hi' }, { authorization: 'Bearer xoxb-test-token' }),
    );
    expect(answer.status).toBe(200);
    expect(server.violations).toEqual([]);
  });

  it('chat.postMessage without channel is a violation', async () => {
    const answer = await send(`${server.url}/chat.postMessage`, form({ text: 'no channel' }));
    expect(answer.status).toBe(400);
    expect(server.violations).toEqual([
      expect.objectContaining({
        operationId: 'chat_postMessage',
        where: 'body',
        message: expect.stringContaining("'channel'"),
      }),
    ]);
  });

  it('chat.postMessage answered with a bad channel id is a violation', async () => {
    postMessage.answerOnce({ status: 200, body: { ok: true, channel: 'general', ts } });
    const answer = await send(`${server.url}/chat.postMessage`, form({ channel: 'C0123456789', text: 'hi' }));
    expect(answer.status).toBe(500);
    expect(server.violations).toEqual([
      expect.objectContaining({
        where: 'response',
        message: expect.stringContaining('/channel must match pattern'),
      }),
    ]);
  });

  it('conversations.create: valid request and answer pass, and so does an {ok: false} error', async () => {
    expect(
      (await send(`${server.url}/conversations.create`, form({ name: 'endeavor', is_private: 'false' })))
        .status,
    ).toBe(200);
    createConversation.answerOnce({ status: 200, body: { ok: false, error: 'name_taken' } });
    expect(await send(`${server.url}/conversations.create`, form({ name: 'endeavor' }))).toMatchObject({
      status: 200,
      body: { ok: false, error: 'name_taken' },
    });
    expect(server.violations).toEqual([]);
  });

  it('conversations.create: a bad field type, missing credentials and an unknown error code are violations', async () => {
    await send(`${server.url}/conversations.create`, form({ name: 'x', is_private: 'perhaps' }));
    await send(`${server.url}/conversations.create`, form({ name: 'x' }, null));
    createConversation.answerOnce({ status: 200, body: { ok: false, error: 'no_such_error' } });
    await send(`${server.url}/conversations.create`, form({ name: 'x' }));
    expect(server.violations.map((v) => [v.where, v.message])).toEqual([
      ['body', expect.stringContaining('/is_private must be boolean')],
      ['security', expect.stringContaining('slackAuth')],
      ['response', expect.stringContaining('must be equal to one of the allowed values')],
    ]);
  });
});

describe('Jira (OpenAPI 3.0.1, 2.4 MB)', () => {
  let server: ContractServer;
  const created = {
    id: '10000',
    key: 'ED-24',
    self: 'https://your-domain.atlassian.net/rest/api/3/issue/10000',
  };
  const createIssue = switchable({ status: 201, body: created });
  const issue = {
    fields: {
      project: { key: 'ED' },
      summary: 'Main order flow broken',
      issuetype: { name: 'Bug' },
      description: {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Occurs on all orders' }] }],
      },
    },
  };
  const auth = { authorization: `Basic ${Buffer.from('me@example.com:api-token').toString('base64')}` };

  beforeAll(async () => {
    server = await start('jira', { vendor: 'jira', handlers: { createIssue: createIssue.handler } });
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it('POST /rest/api/3/issue with a valid issue and answer passes', async () => {
    const answer = await send(`${server.url}/rest/api/3/issue?updateHistory=true`, json(issue, auth));
    expect(answer).toEqual({ status: 201, body: created });
    expect(server.violations).toEqual([]);
    expect(server.calls[0]?.query).toEqual({ updateHistory: true });
  });

  it('a body of the wrong shape, a bad query value and an unknown query parameter are violations', async () => {
    await send(`${server.url}/rest/api/3/issue`, json({ fields: 'Main order flow broken' }, auth));
    await send(`${server.url}/rest/api/3/issue?updateHistory=sometimes&expand=names`, json(issue, auth));
    expect(server.violations.map((v) => [v.where, v.message])).toEqual([
      ['body', 'body/fields must be object'],
      ['query', expect.stringContaining('query/updateHistory must be boolean')],
      ['query', 'the operation has no query parameter expand'],
    ]);
    expect(server.count('createIssue')).toBe(2);
  });

  it('an answer with a numeric id and an undeclared property is a violation', async () => {
    createIssue.answerOnce({ status: 201, body: { ...created, id: 10000, fields: {} } });
    expect((await send(`${server.url}/rest/api/3/issue`, json(issue, auth))).status).toBe(500);
    expect(server.violations).toEqual([
      expect.objectContaining({
        where: 'response',
        message: "status 201: body must NOT have additional properties 'fields'; body/id must be string",
      }),
    ]);
  });

  it('an undeclared success status is a violation; an undeclared 429 is not', async () => {
    createIssue.answerOnce({ status: 200, body: created });
    await send(`${server.url}/rest/api/3/issue`, json(issue, auth));
    expect(server.violations).toEqual([
      expect.objectContaining({ message: expect.stringContaining('status 200 is not declared') }),
    ]);
    server.reset();
    createIssue.answerOnce({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { errorMessages: ['Rate limit'] },
    });
    expect((await send(`${server.url}/rest/api/3/issue`, json(issue, auth))).status).toBe(429);
    expect(server.violations).toEqual([]);
  });

  it('unknown paths, wrong methods and operations without a handler are violations', async () => {
    expect((await send(`${server.url}/rest/api/3/issues`, json(issue, auth))).status).toBe(404);
    expect((await send(`${server.url}/rest/api/3/issue`, { method: 'DELETE', headers: auth })).status).toBe(
      405,
    );
    expect((await send(`${server.url}/rest/api/3/issue/ED-24`, { headers: auth })).status).toBe(501);
    expect(server.violations.map((v) => [v.where, v.operationId])).toEqual([
      ['route', undefined],
      ['route', undefined],
      ['handler', 'getIssue'],
    ]);
  });
});

describe('Notion (OpenAPI 3.1)', () => {
  let server: ContractServer;
  const page = {
    object: 'page',
    id: '59833787-2cf9-4fdf-8782-e53db20768a5',
    created_time: '2026-03-01T10:00:00.000Z',
    parent: { type: 'page_id', page_id: '255104cd-477e-808c-b279-d39ab803a7d2' },
    properties: { title: { id: 'title', type: 'title', title: [] } },
    url: 'https://www.notion.so/Release-notes-598337872cf94fdf8782e53db20768a5',
  };
  const createPage = switchable({ status: 200, body: page });
  const headers = { authorization: 'Bearer ntn_test', 'notion-version': '2025-09-03' };
  const newPage = {
    parent: { page_id: '255104cd-477e-808c-b279-d39ab803a7d2' },
    properties: { title: { title: [{ text: { content: 'Release notes' } }] } },
    icon: { type: 'emoji', emoji: '🚀' },
    children: [
      {
        object: 'block',
        type: 'paragraph',
        paragraph: { rich_text: [{ type: 'text', text: { content: 'Hello' } }] },
      },
    ],
  };

  beforeAll(async () => {
    server = await start('notion', { vendor: 'notion', handlers: { 'post-page': createPage.handler } });
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it('POST /v1/pages with block children and an icon object passes', async () => {
    expect(await send(`${server.url}/v1/pages`, json(newPage, headers))).toEqual({ status: 200, body: page });
    expect(server.violations).toEqual([]);
  });

  it('a page without a parent is a violation', async () => {
    const { parent: _parent, ...withoutParent } = newPage;
    expect((await send(`${server.url}/v1/pages`, json(withoutParent, headers))).status).toBe(400);
    expect(server.violations).toEqual([
      expect.objectContaining({ where: 'body', message: "body must have required property 'parent'" }),
    ]);
  });

  it('an answer that is not an object is a violation', async () => {
    createPage.answerOnce({ status: 200, body: [page] });
    await send(`${server.url}/v1/pages`, json(newPage, headers));
    expect(server.violations).toEqual([
      expect.objectContaining({ where: 'response', message: 'status 200: body must be object' }),
    ]);
  });
});

describe('Plane (OpenAPI 3.0.3 YAML, served under /api/v1)', () => {
  let server: ContractServer;
  const projectId = '4af6c2b4-2a45-4c7e-9a1c-0b7f5c9d1e22';
  const issue = {
    id: '8b1f1f9e-6f0e-4d8f-9f3c-2a7f2b3c4d5e',
    name: 'Fix login redirect',
    priority: 'high',
    sequence_id: 42,
    project: projectId,
    workspace: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
    created_at: '2026-03-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    updated_by: null,
    description_binary: null,
    state: null,
  };
  const createIssue = switchable({ status: 201, body: issue });
  const headers = { 'x-api-key': 'plane_api_test' };
  const issuesUrl = () => `${server.url}/workspaces/acme/projects/${projectId}/issues/`;

  beforeAll(async () => {
    server = await start('plane', {
      vendor: 'plane',
      handlers: { workspaces_projects_issues_create: createIssue.handler },
    });
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it('creating an issue (201, as Plane answers) passes; readOnly fields are not asked of the client', async () => {
    expect(server.url).toMatch(/\/api\/v1$/);
    const answer = await send(issuesUrl(), json({ name: 'Fix login redirect', priority: 'high' }, headers));
    expect(answer).toEqual({ status: 201, body: issue });
    expect(server.violations).toEqual([]);
  });

  it('an issue without a name, or under a project id that is no uuid, is a violation', async () => {
    await send(issuesUrl(), json({ priority: 'high' }, headers));
    await send(`${server.url}/workspaces/acme/projects/PRJ-1/issues/`, json({ name: 'x' }, headers));
    expect(server.violations.map((v) => [v.where, v.message])).toEqual([
      ['body', "body must have required property 'name'"],
      ['path', 'path/project_id must match format "uuid"'],
    ]);
  });

  it('an answer without the id the spec requires is a violation', async () => {
    const { id: _id, ...withoutId } = issue;
    createIssue.answerOnce({ status: 201, body: withoutId });
    await send(issuesUrl(), json({ name: 'x' }, headers));
    expect(server.violations).toEqual([
      expect.objectContaining({
        where: 'response',
        message: "status 200: body must have required property 'id'",
      }),
    ]);
  });
});

describe('Discord (OpenAPI 3.1, served under /api/v10)', () => {
  let server: ContractServer;
  const channelId = '1100000000000000001';
  const message = {
    id: '1200000000000000002',
    channel_id: channelId,
    type: 0,
    content: 'Deploy finished',
    author: {
      id: '1300000000000000003',
      username: 'somagent',
      avatar: null,
      discriminator: '0',
      public_flags: 0,
      flags: 0,
      bot: true,
      global_name: null,
      primary_guild: null,
    },
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    timestamp: '2026-03-01T10:00:00.000000+00:00',
    edited_timestamp: null,
    flags: 0,
    pinned: false,
    mention_everyone: false,
    tts: false,
  };
  const createMessage = switchable({ status: 200, body: message });
  const bot = { authorization: 'Bot MTE.test.token' };
  const messagesUrl = (channel = channelId) => `${server.url}/channels/${channel}/messages`;

  beforeAll(async () => {
    server = await start('discord', {
      vendor: 'discord',
      handlers: { create_message: createMessage.handler },
    });
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it('posting a message as a bot passes', async () => {
    expect(server.url).toMatch(/\/api\/v10$/);
    expect(await send(messagesUrl(), json({ content: 'Deploy finished', tts: false }, bot))).toEqual({
      status: 200,
      body: message,
    });
    expect(server.violations).toEqual([]);
  });

  it('a multipart post with payload_json and a file passes', async () => {
    const body = new FormData();
    body.append(
      'payload_json',
      JSON.stringify({ content: 'Report attached', attachments: [{ id: 0, filename: 'report.txt' }] }),
    );
    body.append('files[0]', new Blob(['all green'], { type: 'text/plain' }), 'report.txt');
    const answer = await send(messagesUrl(), { method: 'POST', headers: bot, body });
    expect(answer.status).toBe(200);
    expect(server.violations).toEqual([]);
  });

  it('no token, a content that is no string and a channel id that is no snowflake are violations', async () => {
    await send(messagesUrl(), json({ content: 'hi' }));
    await send(messagesUrl(), json({ content: 42 }, bot));
    await send(messagesUrl('general'), json({ content: 'hi' }, bot));
    expect(server.violations.map((v) => [v.where, v.message])).toEqual([
      ['security', expect.stringContaining('BotToken')],
      ['body', expect.stringContaining('body/content must be string,null')],
      ['path', expect.stringContaining('path/channel_id must match pattern')],
    ]);
  });

  it('an answer without an author is a violation', async () => {
    const { author: _author, ...withoutAuthor } = message;
    createMessage.answerOnce({ status: 200, body: withoutAuthor });
    await send(messagesUrl(), json({ content: 'hi' }, bot));
    expect(server.violations).toEqual([
      expect.objectContaining({
        where: 'response',
        message: "status 200: body must have required property 'author'",
      }),
    ]);
  });
});

describe('GitHub (OpenAPI 3.0.3, 13 MB)', () => {
  let server: ContractServer;
  let repository: Record<string, unknown>;
  const createRepo = switchable((body) => ({
    status: 201,
    body: { ...repository, name: (body as { name: string }).name },
  }));
  const headers = { authorization: 'token ghp_test', accept: 'application/vnd.github+json' };

  beforeAll(async () => {
    server = await start('github', {
      vendor: 'github',
      handlers: { 'repos/create-for-authenticated-user': createRepo.handler },
    });
    // GitHub's example predates `has_discussions`, which its schema now requires.
    repository = {
      ...(responseExample(server.doc, 'repos/create-for-authenticated-user', 201) as Record<string, unknown>),
      has_discussions: false,
    };
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it("POST /user/repos answered with GitHub's own example repository passes", async () => {
    const answer = await send(
      `${server.url}/user/repos`,
      json({ name: 'hello-world', private: true }, headers),
    );
    expect(answer).toMatchObject({
      status: 201,
      body: { name: 'hello-world', full_name: 'octocat/Hello-World' },
    });
    expect(server.violations).toEqual([]);
  });

  it('a repository without a name is a violation', async () => {
    await send(`${server.url}/user/repos`, json({ private: true }, headers));
    expect(server.violations).toEqual([
      expect.objectContaining({ where: 'body', message: "body must have required property 'name'" }),
    ]);
  });

  it('an answer missing a required field is a violation', async () => {
    const { node_id: _nodeId, ...withoutNodeId } = repository;
    createRepo.answerOnce({ status: 201, body: withoutNodeId });
    await send(`${server.url}/user/repos`, json({ name: 'hello-world' }, headers));
    expect(server.violations).toEqual([
      expect.objectContaining({
        where: 'response',
        message: "status 201: body must have required property 'node_id'",
      }),
    ]);
  });
});

describe('Azure Resource Manager (Swagger 2.0 with cross-file $refs)', () => {
  let server: ContractServer;
  const group = {
    id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-somagent',
    name: 'rg-somagent',
    type: 'Microsoft.Resources/resourceGroups',
    location: 'westeurope',
    properties: { provisioningState: 'Succeeded' },
  };
  const url = (query: string) =>
    `${server.url}/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg-somagent${query}`;
  const put = (body: unknown): RequestInit => ({
    ...json(body, { authorization: 'Bearer eyJ.test' }),
    method: 'PUT',
  });

  beforeAll(async () => {
    server = await start('azure-resources', {
      vendor: 'azure-resources',
      handlers: { ResourceGroups_CreateOrUpdate: () => ({ status: 201, body: group }) },
    });
    await start('azure-compute', { vendor: 'azure-compute', handlers: {} }).then((s) => s.stop());
  });
  afterEach(() => server.reset());
  afterAll(() => server.stop());

  it('creating a resource group passes; without api-version it is a violation', async () => {
    expect((await send(url('?api-version=2021-04-01'), put({ location: 'westeurope' }))).status).toBe(201);
    expect(server.violations).toEqual([]);
    await send(url(''), put({ location: 'westeurope' }));
    expect(server.violations).toEqual([
      expect.objectContaining({ where: 'query', message: "query must have required property 'api-version'" }),
    ]);
  });
});

describe('Confluence (OpenAPI 3.0.3, served under /wiki/api/v2)', () => {
  it('routes under the base path of its servers entry', async () => {
    const server = await start('confluence', { vendor: 'confluence', handlers: {} });
    try {
      expect(server.url).toMatch(/\/wiki\/api\/v2$/);
      expect((await send(`${server.url}/pages/123`, { headers: { authorization: 'Bearer x' } })).status).toBe(
        501,
      );
      expect(server.violations).toEqual([
        expect.objectContaining({ operationId: 'getPageById', where: 'handler' }),
      ]);
    } finally {
      await server.stop();
    }
  });
});

it('rejects a handler for an operation the spec does not have', async () => {
  await expect(
    startContractServer({ vendor: 'notion', handlers: { 'create-page': () => ({ status: 200 }) } }),
  ).rejects.toThrow(/create-page/);
});
