import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { ToolError } from '../core/errors.js';
import { createTransport } from '../core/http.js';
import { connectGitlab, idempotencyMarker } from './client.js';
import {
  createGitlabFake,
  GITLAB_TEST_TOKEN,
  type GitlabFake,
  type GitlabProjectRecord,
} from './contract-handlers.js';
import { gitlabAdapter } from './index.js';
import { issueMarker } from './issues.js';
import { COMMIT_TRAILER } from './repository.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';
import { expectNoViolationsAfterEach } from '../../test/contract/no-violations.js';

/**
 * This tier is weaker than the others: the schema the contract server checks against is ours
 * (gitlab-v4.openapi.json, written from gitbeaker's types and GitLab's docs), not GitLab's, so it
 * proves the adapter keeps to our reading of the API. The live test below is the one that counts.
 */
const ownSchema = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gitlab-v4.openapi.json');

const servers: ContractServer[] = [];
async function startGitlab(fake: GitlabFake) {
  const server = await startContractServer({ spec: ownSchema, handlers: fake.handlers });
  servers.push(server);
  return { server, env: { GITLAB_TOKEN: GITLAB_TEST_TOKEN, GITLAB_URL: server.origin } };
}

// Every exchange of every test, conformance included, must keep to the schema.
expectNoViolationsAfterEach(servers);

let conformanceFake: GitlabFake | undefined;

testAdapter({
  adapter: gitlabAdapter,
  tier: 'contract server on OUR OWN OpenAPI description of GitLab REST v4 (gitbeaker types + docs), not GitLab’s; live test counts',
  start: async () => {
    conformanceFake = createGitlabFake();
    conformanceFake.seedPipeline(conformanceFake.seedProject('website'), 'main', 'success');
    const { server, env } = await startGitlab(conformanceFake);
    return { env, stop: () => server.stop() };
  },
  read: { operation: 'pipelineStatus', input: { project: 'somagent-bot/website', ref: 'main' } },
  write: {
    operation: 'createIssue',
    input: { project: 'somagent-bot/website', title: 'Flaky checkout test', labels: ['bug'] },
    count: async () => conformanceFake?.issuesCreated ?? 0,
    identify: (output) => (output as { iid: number }).iid,
  },
  notFound: { operation: 'pipelineStatus', input: { project: 'nobody/nothing' } },
  badEnv: { GITLAB_TOKEN: 'glpat-revoked-token' },
});

describe('gitlab adapter against the contract server (our own REST v4 schema)', () => {
  let fake: GitlabFake;
  let server: ContractServer;
  let tools: TestToolRuntime;
  const invoke = (operation: string, input: unknown, idempotencyKey?: string) =>
    tools.runtime.invoke({
      tenantId: 'default',
      tool: 'gitlab',
      operation,
      input,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (await invoke(operation, input, idempotencyKey)).output as T;
  const sent = (operationId: string) => server.calls.filter((c) => c.operationId === operationId);
  /** What a worker killed between GitLab's answer and the ledger update leaves behind. */
  const interrupt = (key: string) =>
    tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );

  beforeAll(async () => {
    fake = createGitlabFake();
    const started = await startGitlab(fake);
    server = started.server;
    tools = createTestToolRuntime([gitlabAdapter], started.env);
  });
  afterAll(async () => {
    await tools?.close();
    await server?.stop();
  });

  it('creates a project in a group, recovers it by path after an interruption, and deletes it', async () => {
    const groupId = fake.seedGroup('acme');
    const input = { name: 'Apollo Site', namespace: 'acme', description: 'marketing site' };
    const key = `wf-1:project:${Date.now()}`;
    const created = await call<{ projectId: number; pathWithNamespace: string; defaultBranch: string }>(
      'createProject',
      input,
      key,
    );
    expect(created).toMatchObject({ pathWithNamespace: 'acme/apollo-site', defaultBranch: 'main' });
    expect(sent('getNamespace')[0]?.path).toBe('/api/v4/namespaces/acme');
    const [request] = sent('createProject');
    expect(request?.headers['private-token']).toBe(GITLAB_TEST_TOKEN);
    expect(request?.body).toEqual({
      name: 'Apollo Site',
      path: 'apollo-site',
      namespace_id: groupId,
      description: 'marketing site',
      visibility: 'private',
      initialize_with_readme: true,
      default_branch: 'main',
    });

    await interrupt(key);
    server.reset();
    const retried = await invoke('createProject', input, key);
    expect(retried.replayed).toBe(true);
    expect((retried.output as { projectId: number }).projectId).toBe(created.projectId);
    expect(sent('createProject')).toHaveLength(0);
    expect(sent('getProject')[0]?.path).toBe('/api/v4/projects/acme%2Fapollo-site');

    const compensation = gitlabAdapter.operations.createProject?.compensate;
    expect(compensation?.operation).toBe('deleteProject');
    const undo = compensation?.input(input, created);
    expect(await call('deleteProject', undo)).toEqual({ project: String(created.projectId), deleted: true });
    expect(fake.projects.has(created.projectId)).toBe(false);
    expect(await call('deleteProject', undo)).toEqual({ project: String(created.projectId), deleted: false });
    // gitbeaker puts `{}` in every DELETE; the requester leaves it out.
    expect(sent('deleteProject').map((c) => c.body)).toEqual([undefined, undefined]);
  });

  it('commits several files in one commit on a new branch, with a trailer that lets a retry find it', async () => {
    const project = fake.seedProject('docs');
    const key = `wf-2:commit:${Date.now()}`;
    const input = {
      project: 'somagent-bot/docs',
      branch: 'feature/guide',
      startBranch: 'main',
      message: 'Add the getting started guide',
      actions: [
        { action: 'create', filePath: 'docs/guide.md', content: '# Guide\n' },
        { action: 'update', filePath: 'README.md', content: '# docs\nSee docs/guide.md\n' },
        {
          action: 'create',
          filePath: 'logo.svg',
          content: Buffer.from('<svg/>').toString('base64'),
          encoding: 'base64',
        },
      ],
    };
    const committed = await call<{ sha: string; branch: string; title: string }>('commitFiles', input, key);
    expect(committed).toMatchObject({ branch: 'feature/guide', title: 'Add the getting started guide' });
    expect(sent('createCommit')[0]?.body).toEqual({
      branch: 'feature/guide',
      commit_message: `Add the getting started guide\n\n${COMMIT_TRAILER}: ${idempotencyMarker(key)}`,
      start_branch: 'main',
      actions: [
        { action: 'create', file_path: 'docs/guide.md', content: '# Guide\n', encoding: 'text' },
        {
          action: 'update',
          file_path: 'README.md',
          content: '# docs\nSee docs/guide.md\n',
          encoding: 'text',
        },
        { action: 'create', file_path: 'logo.svg', content: 'PHN2Zy8+', encoding: 'base64' },
      ],
    });
    const files = project.files.get('feature/guide');
    expect(files?.get('docs/guide.md')).toBe('# Guide\n');
    expect(files?.get('logo.svg')).toBe('<svg/>');
    expect(project.branches.get('feature/guide')).toHaveLength(2);

    await interrupt(key);
    server.reset();
    const retried = await invoke('commitFiles', input, key);
    expect(retried.replayed).toBe(true);
    expect((retried.output as { sha: string }).sha).toBe(committed.sha);
    expect(sent('createCommit')).toHaveLength(0);
    expect(sent('listCommits')[0]?.query).toEqual({ ref_name: 'feature/guide', per_page: 20 });
    expect(project.branches.get('feature/guide')).toHaveLength(2);
  });

  it('refuses to create a file that exists, as GitLab does, without retrying', async () => {
    fake.seedProject('strict');
    const error = await toolErrorOf(
      invoke('commitFiles', {
        project: 'somagent-bot/strict',
        branch: 'main',
        message: 'again',
        actions: [{ action: 'create', filePath: 'README.md', content: 'x' }],
      }),
    );
    expect(error).toMatchObject({ category: 'conflict', details: { status: 400 } });
    expect(error.message).toContain('A file with this name already exists');
    expect(sent('createCommit')).toHaveLength(1);
  });

  it('creates a branch, recovers it by name, and calls a second one of that name a conflict', async () => {
    fake.seedProject('api');
    const key = `wf-3:branch:${Date.now()}`;
    const input = { project: 'somagent-bot/api', branch: 'release/1.x', ref: 'main' };
    const branch = await call<{ name: string; commitSha: string }>('createBranch', input, key);
    expect(branch.name).toBe('release/1.x');
    expect(sent('createBranch')[0]?.body).toEqual({ branch: 'release/1.x', ref: 'main' });

    await interrupt(key);
    server.reset();
    const retried = await invoke('createBranch', input, key);
    expect(retried).toEqual({ output: branch, replayed: true });
    expect(sent('getBranch')[0]?.path).toBe(
      '/api/v4/projects/somagent-bot%2Fapi/repository/branches/release%2F1.x',
    );

    const again = await toolErrorOf(invoke('createBranch', input));
    expect(again).toMatchObject({ category: 'conflict', details: { status: 400 } });
  });

  it('opens a merge request, recovers it by its branches, and maps a second open one to a conflict', async () => {
    const project = fake.seedProject('mobile');
    project.branches.set('feature/login', [...(project.branches.get('main') ?? [])]);
    const key = `wf-4:mr:${Date.now()}`;
    const input = {
      project: String(project.body.id),
      sourceBranch: 'feature/login',
      targetBranch: 'main',
      title: 'Login with SSO',
      description: 'Closes #3',
      labels: ['auth', 'frontend'],
    };
    const opened = await call<{ iid: number; state: string }>('createMergeRequest', input, key);
    expect(opened).toMatchObject({ iid: 1, state: 'opened' });
    expect(sent('createMergeRequest')[0]?.body).toEqual({
      source_branch: 'feature/login',
      target_branch: 'main',
      title: 'Login with SSO',
      description: 'Closes #3',
      labels: 'auth,frontend',
      remove_source_branch: true,
    });

    await interrupt(key);
    server.reset();
    const retried = await invoke('createMergeRequest', input, key);
    expect(retried.replayed).toBe(true);
    expect((retried.output as { iid: number }).iid).toBe(1);
    expect(sent('listMergeRequests')[0]?.query).toEqual({
      state: 'opened',
      source_branch: 'feature/login',
      target_branch: 'main',
      per_page: 5,
    });

    const second = await toolErrorOf(invoke('createMergeRequest', input));
    expect(second).toMatchObject({ category: 'conflict', details: { status: 409 } });
    expect(project.mergeRequests).toHaveLength(1);
  });

  it('opens an issue whose description carries an invisible marker; a retry finds it by searching for the marker', async () => {
    const project = fake.seedProject('ops');
    const key = `wf-5:issue:${Date.now()}`;
    const input = {
      project: 'somagent-bot/ops',
      title: 'Disk almost full',
      description: 'db-1 at 91%',
      labels: ['ops'],
      assigneeIds: [7],
    };
    const issue = await call<{ iid: number }>('createIssue', input, key);
    expect(sent('createIssue')[0]?.body).toEqual({
      title: 'Disk almost full',
      description: `db-1 at 91%\n\n<!-- ${issueMarker(key)} -->`,
      labels: 'ops',
      assignee_ids: [7],
      confidential: false,
    });
    await interrupt(key);
    server.reset();
    const retried = await invoke('createIssue', input, key);
    expect(retried.replayed).toBe(true);
    expect((retried.output as { iid: number }).iid).toBe(issue.iid);
    expect(sent('listIssues')[0]?.query).toEqual({
      search: issueMarker(key),
      in: 'description',
      per_page: 5,
    });
    expect(project.issues).toHaveLength(1);
  });

  describe('createRelease', () => {
    let project: GitlabProjectRecord;
    const previousAt = '2026-03-01T12:00:00.000Z';

    beforeAll(() => {
      project = fake.seedProject('shop');
      fake.seedRelease(project, 'v1.0.0', '2026-01-15T09:00:00.000Z');
      fake.seedRelease(project, 'v1.1.0', previousAt);
      fake.seedMergeRequest(project, {
        title: 'Before the previous release',
        source: 'a',
        mergedAt: '2026-02-20T10:00:00.000Z',
      });
      fake.seedMergeRequest(project, {
        title: 'Merged at the previous release',
        source: 'b',
        mergedAt: previousAt,
      });
      fake.seedMergeRequest(project, {
        title: 'Add   dark mode',
        source: 'c',
        author: 'alice',
        mergedAt: '2026-03-05T08:00:00.000Z',
      });
      fake.seedMergeRequest(project, {
        title: 'Fix cart total',
        source: 'd',
        author: 'bob',
        mergedAt: '2026-03-03T16:30:00.000Z',
      });
      fake.seedMergeRequest(project, {
        title: 'Into another branch',
        source: 'e',
        target: 'develop',
        mergedAt: '2026-03-04T00:00:00.000Z',
      });
      fake.seedMergeRequest(project, { title: 'Still open', source: 'f' });
      // Merged before the previous release, commented on after it: updated_after lets it through, merged_at must not.
      const late = fake.seedMergeRequest(project, {
        title: 'Old but touched',
        source: 'g',
        mergedAt: '2026-02-27T10:00:00.000Z',
      });
      late.updated_at = '2026-03-06T10:00:00.000Z';
    });

    it('lists exactly the merge requests merged into the branch since the previous release, following pagination', async () => {
      fake.maxPerPage = 2;
      try {
        const release = await call<{ tagName: string; description: string; mergeRequestIids: number[] }>(
          'createRelease',
          {
            project: 'somagent-bot/shop',
            tagName: 'v1.2.0',
            intro: 'Spring release.',
          },
        );
        const expected = [
          'Spring release.',
          '## Changes since v1.1.0',
          '- Fix cart total (!4) by @bob\n- Add dark mode (!3) by @alice',
        ].join('\n\n');
        expect(release).toMatchObject({ tagName: 'v1.2.0', description: expected, mergeRequestIids: [4, 3] });
        expect(sent('createRelease')[0]?.body).toEqual({
          tag_name: 'v1.2.0',
          name: 'v1.2.0',
          ref: 'main',
          description: expected,
        });
        expect(sent('listReleases')[0]?.query).toEqual({
          order_by: 'released_at',
          sort: 'desc',
          per_page: 20,
        });
        const listed = sent('listMergeRequests');
        expect(listed[0]?.query).toEqual({
          state: 'merged',
          target_branch: 'main',
          order_by: 'updated_at',
          sort: 'desc',
          per_page: 100,
          updated_after: previousAt,
        });
        // Four merged merge requests into main were updated after the previous release: two pages of two.
        expect(listed.map((c) => c.query.page)).toEqual([undefined, 2]);
        expect(project.releases.find((r) => r.tag_name === 'v1.2.0')?.description).toBe(expected);
      } finally {
        fake.maxPerPage = 100;
      }
    });

    it('recovers an interrupted release by its tag, and notes a first release without a previous one', async () => {
      const key = `wf-6:release:${Date.now()}`;
      const input = { project: 'somagent-bot/shop', tagName: 'v1.3.0', ref: 'main' };
      const first = await call<{ description: string }>('createRelease', input, key);
      expect(first.description).toBe(
        '## Changes since v1.2.0\n\nNo merge requests were merged since v1.2.0.',
      );
      await interrupt(key);
      server.reset();
      const retried = await invoke('createRelease', input, key);
      expect(retried).toMatchObject({
        replayed: true,
        output: { tagName: 'v1.3.0', description: first.description },
      });
      expect(sent('createRelease')).toHaveLength(0);
      expect(sent('getRelease')[0]?.path).toBe('/api/v4/projects/somagent-bot%2Fshop/releases/v1.3.0');

      const fresh = fake.seedProject('fresh');
      fake.seedMergeRequest(fresh, {
        title: 'Scaffold',
        source: 's',
        author: 'alice',
        mergedAt: '2026-01-02T00:00:00.000Z',
      });
      const initial = await call<{ description: string }>('createRelease', {
        project: 'somagent-bot/fresh',
        tagName: 'v0.1.0',
      });
      expect(initial.description).toBe('## Changes\n\n- Scaffold (!1) by @alice');
      expect(sent('listMergeRequests').at(-1)?.query).not.toHaveProperty('updated_after');
    });
  });

  it('reports the latest pipeline of a ref, and not_found for a ref without one', async () => {
    const project = fake.seedProject('ci');
    fake.seedPipeline(project, 'main', 'failed');
    const latest = fake.seedPipeline(project, 'main', 'running');
    const status = await call<{ pipelineId: number; status: string; finishedAt: string | null }>(
      'pipelineStatus',
      {
        project: 'somagent-bot/ci',
      },
    );
    expect(status).toMatchObject({ pipelineId: latest.id, status: 'running', finishedAt: null });
    expect(sent('getLatestPipeline')[0]?.query).toEqual({});
    const none = await toolErrorOf(
      invoke('pipelineStatus', { project: 'somagent-bot/ci', ref: 'feature/x' }),
    );
    expect(none).toMatchObject({ category: 'not_found', details: { status: 404 } });
  });

  it('hands a 429 to the shared limiter at once and never retries a POST that got a 502', async () => {
    fake.seedProject('limits');
    fake.answerNext('createIssue', { status: 502, body: { message: '502 Bad Gateway' } });
    const outage = await toolErrorOf(invoke('createIssue', { project: 'somagent-bot/limits', title: 'x' }));
    expect(outage.category).toBe('transient');
    expect(sent('createIssue')).toHaveLength(1);

    fake.answerNext('createIssue', { status: 403, body: { message: '403 Forbidden' } });
    expect(
      await toolErrorOf(invoke('createIssue', { project: 'somagent-bot/limits', title: 'x' })),
    ).toMatchObject({
      category: 'permission',
    });

    fake.answerNext('createIssue', {
      status: 429,
      headers: { 'retry-after': '1' },
      body: { message: 'Retry later' },
    });
    const limited = await toolErrorOf(invoke('createIssue', { project: 'somagent-bot/limits', title: 'x' }));
    expect(limited).toMatchObject({ category: 'rate_limited', details: { status: 429, retryAfterMs: 1000 } });
    expect(sent('createIssue')).toHaveLength(3);
  });
});

const live = Boolean(process.env.GITLAB_TOKEN);
describe.skipIf(!live)('gitlab adapter live (GITLAB_TOKEN set; GITLAB_URL for self-managed)', () => {
  const env = process.env as Record<string, string>;
  const sandbox = process.env.GITLAB_LIVE_PROJECT;

  it('reaches GitLab with the token', async () => {
    const tools = createTestToolRuntime([gitlabAdapter], env);
    try {
      expect(await tools.runtime.checkConnection('default', 'gitlab')).toEqual({ reachable: true });
    } finally {
      await tools.close();
    }
  });

  it.skipIf(!sandbox)(
    'branches, commits, opens a merge request and an issue, and releases in GITLAB_LIVE_PROJECT',
    async () => {
      const tools = createTestToolRuntime([gitlabAdapter], env);
      const gitlab = await connectGitlab(
        { token: env.GITLAB_TOKEN ?? '', host: env.GITLAB_URL ?? 'https://gitlab.com' },
        createTransport(),
      );
      const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
        (
          await tools.runtime.invoke({
            tenantId: 'default',
            tool: 'gitlab',
            operation,
            input,
            ...(idempotencyKey ? { idempotencyKey } : {}),
          })
        ).output as T;
      const stamp = Date.now();
      const project = sandbox ?? '';
      const branch = `somagent-live-${stamp}`;
      const tag = `somagent-live-${stamp}`;
      let mr: { iid: number } | undefined;
      let issue: { iid: number } | undefined;
      try {
        const base = String((await gitlab.Projects.show(project)).default_branch ?? 'main');
        await call('createBranch', { project, branch, ref: base }, `live:branch:${stamp}`);
        const commit = await call<{ sha: string }>(
          'commitFiles',
          {
            project,
            branch,
            message: 'SomaGent live test',
            actions: [{ action: 'create', filePath: `somagent/${stamp}.md`, content: 'hi\n' }],
          },
          `live:commit:${stamp}`,
        );
        expect(commit.sha).toMatch(/^[0-9a-f]{40}$/);
        mr = await call<{ iid: number }>('createMergeRequest', {
          project,
          sourceBranch: branch,
          targetBranch: base,
          title: `SomaGent live ${stamp}`,
        });
        const key = `live:issue:${stamp}`;
        issue = await call<{ iid: number }>('createIssue', { project, title: `SomaGent live ${stamp}` }, key);
        const found = await gitlab.Issues.all({
          projectId: project,
          search: issueMarker(key),
          in: 'description',
          maxPages: 1,
        });
        expect(found.map((i) => i.iid)).toContain(issue.iid);
        const release = await call<{ tagName: string; description: string }>('createRelease', {
          project,
          tagName: tag,
          ref: branch,
        });
        expect(release.description).toMatch(/^## Changes/);
        await call('pipelineStatus', { project, ref: branch }).catch((error: unknown) => {
          if (!(error instanceof ToolError && error.category === 'not_found')) throw error;
        });
      } finally {
        await gitlab.ProjectReleases.remove(project, tag).catch(() => undefined);
        await gitlab.Tags.remove(project, tag).catch(() => undefined);
        if (mr)
          await gitlab.MergeRequests.edit(project, mr.iid, { stateEvent: 'close' }).catch(() => undefined);
        if (issue)
          await gitlab.Issues.edit(project, issue.iid, { stateEvent: 'close' }).catch(() => undefined);
        await gitlab.Branches.remove(project, branch).catch(() => undefined);
        await tools.close();
      }
    },
  );
});
if (!live) {
  console.info(
    'gitlab live test skipped: set GITLAB_TOKEN (and GITLAB_URL for a self-managed instance) to run it, and ' +
      'GITLAB_LIVE_PROJECT (a sandbox project path) to also branch, commit, open a merge request and an issue, and release there',
  );
}
