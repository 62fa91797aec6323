import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../core/errors.js';
import type { ContractServer } from '../../test/contract/contract-server.js';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { startGithubContract } from './contract-handlers.js';
import type { GithubFake } from './contract-fake.js';
import { githubAdapter } from './index.js';
import { leaveWriteStarted } from './interrupted-write.js';
import { expectNoViolationsAfterEach } from '../../test/contract/no-violations.js';

const tier = 'contract server: @octokit/openapi api.github.com';
const token = 'ghp_contractTestTokenForTheSomagentBot01';
const login = 'somagent-bot';
const org = 'somagent-org';

// Every exchange must keep GitHub's published contract, in the conformance suite's tests too.
const servers: ContractServer[] = [];
expectNoViolationsAfterEach(servers);

let conformance: { server: ContractServer; fake: GithubFake } | undefined;

testAdapter({
  adapter: githubAdapter,
  tier,
  start: async () => {
    conformance = await startGithubContract({ users: { [token]: login } });
    servers.push(conformance.server);
    conformance.fake.createRepo(login, {
      name: 'conformance',
      private: true,
      autoInit: true,
      ownerIsOrg: false,
      author: login,
    });
    const { server } = conformance;
    return { env: { GITHUB_TOKEN: token, GITHUB_API_URL: server.url }, stop: () => server.stop() };
  },
  read: { operation: 'listIssues', input: { owner: login, repo: 'conformance' } },
  write: {
    operation: 'createIssue',
    input: {
      owner: login,
      repo: 'conformance',
      title: 'Conformance',
      body: 'Opened by the conformance suite.',
    },
    count: async () => conformance?.fake.issueCount() ?? 0,
    identify: (output) => (output as { number: number }).number,
  },
  notFound: { operation: 'getRepository', input: { owner: login, repo: 'no-such-repository' } },
  badEnv: { GITHUB_TOKEN: 'ghp_aTokenGithubHasNeverIssued000000000000' },
});

describe(`github adapter operations (${tier})`, () => {
  let server: ContractServer;
  let fake: GithubFake;
  let tools: TestToolRuntime;
  let env: Record<string, string>;
  const webhookSecret = 'whsec-contract-test-secret';

  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (await tools.runtime.invoke({
      tenantId: 'default',
      tool: 'github',
      operation,
      input,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    })) as {
      output: T;
      replayed: boolean;
    };
  const failure = async (promise: Promise<unknown>): Promise<ToolError> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ToolError)) throw new Error(`expected a ToolError, got ${String(error)}`);
    return error;
  };
  /** Makes the next call with this key find its ledger entry as a crashed worker leaves it. */
  const crashAfterWrite = (operation: string, input: unknown, idempotencyKey: string) =>
    leaveWriteStarted(tools.pool, githubAdapter, { operation, input, idempotencyKey });
  const head = (owner: string, repo: string, branch = 'main') =>
    fake.repo(owner, repo).refs.get(`refs/heads/${branch}`) ?? '';
  const filesAt = (commitSha: string) =>
    Object.fromEntries(
      [...fake.tree(fake.commit(commitSha).tree).entries()].map(([path, entry]) => [
        path,
        fake.blobs.get(entry.sha)?.toString() ?? '',
      ]),
    );
  const newRepo = (name: string) =>
    fake.createRepo(login, { name, private: true, autoInit: true, ownerIsOrg: false, author: login });

  beforeAll(async () => {
    ({ server, fake } = await startGithubContract({
      users: { [token]: login, ghp_rateLimitedTokenOfAnotherUser000000: 'limited-bot' },
      readOnlyTokens: { ghp_readOnlyTokenOfTheSomagentBot0000000: login },
      orgs: [org],
    }));
    servers.push(server);
    env = { GITHUB_TOKEN: token, GITHUB_API_URL: server.url, GITHUB_WEBHOOK_SECRET: webhookSecret };
    tools = createTestToolRuntime([githubAdapter], env);
  });
  afterAll(async () => {
    await tools?.close();
    await server?.stop();
  });

  it('createRepository: for the user and in an organization, with a README commit; once across a crash; deleteRepository undoes it', async () => {
    const input = { name: 'site', description: 'Made by SomaGent' };
    const { output: created } = await call<{
      owner: string;
      name: string;
      defaultBranch: string;
      private: boolean;
    }>('createRepository', input, 'repo:site');
    expect(created).toMatchObject({
      owner: login,
      name: 'site',
      fullName: `${login}/site`,
      defaultBranch: 'main',
      private: true,
    });
    expect(filesAt(head(login, 'site'))).toEqual({ 'README.md': '# site\n\nMade by SomaGent\n' });
    expect(server.calls.find((c) => c.operationId === 'repos/create-for-authenticated-user')?.body).toEqual({
      name: 'site',
      private: true,
      auto_init: true,
      description: 'Made by SomaGent',
    });

    await crashAfterWrite('createRepository', input, 'repo:site');
    const recovered = await call('createRepository', input, 'repo:site');
    expect(recovered).toEqual({ output: created, replayed: true });
    expect(server.count('repos/create-for-authenticated-user')).toBe(1);

    const taken = await failure(call('createRepository', input));
    expect(taken).toMatchObject({ category: 'conflict', details: { status: 422 } });

    const { output: inOrg } = await call('createRepository', { name: 'site', org, private: false });
    expect(inOrg).toMatchObject({ owner: org, fullName: `${org}/site`, private: false });
    expect((await failure(call('createRepository', { name: 'x', org: 'no-such-org' }))).category).toBe(
      'not_found',
    );

    const compensation = githubAdapter.operations.createRepository?.compensate;
    expect(compensation?.operation).toBe('deleteRepository');
    const undo = compensation?.input(input, created);
    expect((await call('deleteRepository', undo)).output).toEqual({ deleted: true });
    expect(fake.repos.has(`${login}/site`)).toBe(false);
    expect((await call('deleteRepository', undo)).output).toEqual({ deleted: false });
  });

  it('createOrUpdateFiles: several files and a deletion in ONE commit through blobs, tree, commit and ref', async () => {
    newRepo('app');
    const initial = head(login, 'app');
    const input = {
      owner: login,
      repo: 'app',
      message: 'Scaffold the app',
      files: [
        { path: 'package.json', content: '{ "name": "app" }\n' },
        { path: 'src/index.ts', content: 'export const hello = "wörld";\n' },
        { path: 'bin/run', content: '#!/bin/sh\necho run\n', executable: true },
        {
          path: 'assets/dot.bin',
          content: Buffer.from([0, 1, 2, 255]).toString('base64'),
          encoding: 'base64',
        },
      ],
      delete: ['README.md'],
    };
    const { output } = await call<{
      commitSha: string;
      parentSha: string;
      branch: string;
      files: { path: string; blobSha: string }[];
    }>('createOrUpdateFiles', input, 'files:scaffold');
    expect(output).toMatchObject({ branch: 'main', parentSha: initial });
    expect(head(login, 'app')).toBe(output.commitSha);
    expect(fake.commit(output.commitSha).parents).toEqual([initial]);
    expect(fake.commit(output.commitSha).message).toBe('Scaffold the app');
    const files = filesAt(output.commitSha);
    expect(Object.keys(files).sort()).toEqual(['assets/dot.bin', 'bin/run', 'package.json', 'src/index.ts']);
    expect(files['src/index.ts']).toBe('export const hello = "wörld";\n');
    expect(fake.tree(fake.commit(output.commitSha).tree).get('bin/run')?.mode).toBe('100755');
    expect(fake.blobs.get(output.files[3]?.blobSha ?? '')).toEqual(Buffer.from([0, 1, 2, 255]));
    expect(server.count('git/create-commit')).toBe(1);
    expect(server.count('git/update-ref')).toBe(1);

    // A crash after the ref moved: recover() recognises the head commit by message and blob ids.
    await crashAfterWrite('createOrUpdateFiles', input, 'files:scaffold');
    expect(await call('createOrUpdateFiles', input, 'files:scaffold')).toEqual({ output, replayed: true });
    expect(server.count('git/create-commit')).toBe(1);
    expect(fake.history(head(login, 'app'))).toHaveLength(2);
  });

  it('createOrUpdateFiles: builds again on the new head when someone pushes between its read and its ref update', async () => {
    newRepo('busy');
    fake.beforeNext('git/update-ref', () => {
      const repo = fake.repo(login, 'busy');
      const current = head(login, 'busy');
      const entries = new Map(fake.tree(fake.commit(current).tree));
      entries.set('theirs.txt', { mode: '100644', sha: fake.writeBlob(Buffer.from('pushed meanwhile\n')) });
      const theirs = fake.writeCommit({
        message: 'A concurrent push',
        tree: fake.writeTree(entries),
        parents: [current],
        author: 'someone',
      });
      repo.refs.set('refs/heads/main', theirs);
    });
    const { output } = await call<{ commitSha: string }>('createOrUpdateFiles', {
      owner: login,
      repo: 'busy',
      message: 'Ours',
      files: [{ path: 'ours.txt', content: 'ours\n' }],
    });
    expect(fake.history(output.commitSha).map((commit) => commit.message)).toEqual([
      'Ours',
      'A concurrent push',
      'Initial commit',
    ]);
    expect(Object.keys(filesAt(output.commitSha)).sort()).toEqual(['README.md', 'ours.txt', 'theirs.txt']);
    expect(server.count('git/update-ref')).toBe(2);
  });

  it('createOrUpdateFiles: an empty repository is a conflict, a missing branch not_found', async () => {
    fake.createRepo(login, {
      name: 'empty',
      private: true,
      autoInit: false,
      ownerIsOrg: false,
      author: login,
    });
    const files = [{ path: 'a.txt', content: 'a' }];
    const empty = await failure(
      call('createOrUpdateFiles', { owner: login, repo: 'empty', message: 'm', files }),
    );
    expect(empty).toMatchObject({ category: 'conflict', details: { status: 409 } });
    newRepo('branchless');
    const missing = await failure(
      call('createOrUpdateFiles', { owner: login, repo: 'branchless', branch: 'nope', message: 'm', files }),
    );
    expect(missing.category).toBe('not_found');
  });

  it('createOrUpdateFile: creates, then replaces with the sha GitHub asks for; once across a crash', async () => {
    newRepo('docs');
    const base = { owner: login, repo: 'docs', path: 'guide/intro.md', message: 'Add the guide' };
    const { output: created } = await call<{ commitSha: string; blobSha: string }>('createOrUpdateFile', {
      ...base,
      content: '# Intro\n',
    });
    expect(filesAt(created.commitSha)['guide/intro.md']).toBe('# Intro\n');

    const update = { ...base, content: '# Intro\n\nMore.\n', message: 'Extend the guide' };
    const { output: updated } = await call<{ commitSha: string }>(
      'createOrUpdateFile',
      update,
      'file:extend',
    );
    expect(filesAt(updated.commitSha)['guide/intro.md']).toBe('# Intro\n\nMore.\n');
    const puts = server.calls.filter((c) => c.operationId === 'repos/create-or-update-file-contents');
    expect(puts.map((c) => c.status)).toEqual([201, 422, 200]);
    expect((puts[2]?.body as { sha?: string }).sha).toBe(created.blobSha);

    await crashAfterWrite('createOrUpdateFile', update, 'file:extend');
    expect(await call('createOrUpdateFile', update, 'file:extend')).toEqual({
      output: updated,
      replayed: true,
    });
    expect(fake.history(head(login, 'docs'))).toHaveLength(3);
  });

  it('createBranch: from the default branch, from a branch, at a sha; conflict when it exists; once across a crash; deleteBranch', async () => {
    newRepo('branches');
    const main = head(login, 'branches');
    const repo = { owner: login, repo: 'branches' };
    const input = { ...repo, branch: 'feature/login' };
    const { output } = await call('createBranch', input, 'branch:login');
    expect(output).toEqual({ branch: 'feature/login', ref: 'refs/heads/feature/login', sha: main });
    expect(server.calls.map((c) => c.path)).toContain(`/repos/${login}/branches/git/ref/heads%2Fmain`);

    await crashAfterWrite('createBranch', input, 'branch:login');
    expect(await call('createBranch', input, 'branch:login')).toEqual({ output, replayed: true });
    expect(server.count('git/create-ref')).toBe(1);
    expect((await failure(call('createBranch', input))).category).toBe('conflict');

    expect(
      (await call('createBranch', { ...repo, branch: 'from-feature', from: 'feature/login' })).output,
    ).toMatchObject({ sha: main });
    expect((await call('createBranch', { ...repo, branch: 'at-sha', sha: main })).output).toMatchObject({
      sha: main,
    });
    expect((await failure(call('createBranch', { ...repo, branch: 'x', from: 'missing' }))).category).toBe(
      'not_found',
    );

    const undo = githubAdapter.operations.createBranch?.compensate?.input(input, output);
    expect(undo).toEqual(input);
    expect((await call('deleteBranch', undo)).output).toEqual({ deleted: true });
    expect(fake.repo(login, 'branches').refs.has('refs/heads/feature/login')).toBe(false);
    expect((await call('deleteBranch', undo)).output).toEqual({ deleted: false });
  });

  it('openPullRequest: opens one, refuses a second for the same head, finds it after a crash; closePullRequest undoes it', async () => {
    newRepo('web');
    const repo = { owner: login, repo: 'web' };
    await call('createBranch', { ...repo, branch: 'feature' });
    await call('createOrUpdateFiles', {
      ...repo,
      branch: 'feature',
      message: 'Feature',
      files: [{ path: 'f.txt', content: 'f' }],
    });
    const input = {
      ...repo,
      head: 'feature',
      base: 'main',
      title: 'Add the feature',
      body: 'Closes nothing yet.',
    };
    const { output: pull } = await call<{ number: number }>('openPullRequest', input, 'pull:feature');
    expect(pull).toMatchObject({ number: 1, state: 'open', head: 'feature', base: 'main', draft: false });

    await crashAfterWrite('openPullRequest', input, 'pull:feature');
    expect(await call('openPullRequest', input, 'pull:feature')).toEqual({ output: pull, replayed: true });
    expect(server.calls.find((c) => c.operationId === 'pulls/list')?.query).toMatchObject({
      head: `${login}:feature`,
      base: 'main',
    });
    expect((await failure(call('openPullRequest', input))).category).toBe('conflict');
    expect((await failure(call('openPullRequest', { ...input, head: 'no-such-branch' }))).category).toBe(
      'invalid_input',
    );

    const undo = githubAdapter.operations.openPullRequest?.compensate?.input(input, pull);
    expect((await call('closePullRequest', undo)).output).toMatchObject({ number: 1, state: 'closed' });
    const { output: listed } = await call<{ issues: { number: number; isPullRequest: boolean }[] }>(
      'listIssues',
      {
        ...repo,
        state: 'all',
        includePullRequests: true,
      },
    );
    expect(listed.issues).toEqual([
      expect.objectContaining({ number: 1, isPullRequest: true, state: 'closed' }),
    ]);
  });

  it('issues: create with labels, add labels, comment once across a crash, list every page, close (compensation)', async () => {
    newRepo('tracker');
    const repo = { owner: login, repo: 'tracker' };
    const { output: issue } = await call<{ number: number; labels: string[] }>('createIssue', {
      ...repo,
      title: 'Crash on start',
      body: 'Steps: run it.',
      labels: ['bug', 'triage'],
      assignees: [login],
    });
    expect(issue).toMatchObject({
      number: 1,
      labels: ['bug', 'triage'],
      state: 'open',
      author: login,
      isPullRequest: false,
    });
    expect(
      (await call('addLabelsToIssue', { ...repo, issueNumber: 1, labels: ['P1', 'bug'] })).output,
    ).toEqual({
      labels: ['bug', 'triage', 'P1'],
    });

    const comment = { ...repo, issueNumber: 1, body: 'Reproduced on **main**.' };
    const { output: posted } = await call<{ id: number }>('comment', comment, 'comment:repro');
    await crashAfterWrite('comment', comment, 'comment:repro');
    expect(await call('comment', comment, 'comment:repro')).toEqual({ output: posted, replayed: true });
    expect(fake.repo(login, 'tracker').comments).toHaveLength(1);

    for (let i = 2; i <= 7; i++)
      await call('createIssue', { ...repo, title: `Issue ${i}`, labels: i % 2 ? ['odd'] : [] });
    const { output: all } = await call<{ issues: { number: number }[]; truncated: boolean }>('listIssues', {
      ...repo,
      perPage: 2,
    });
    expect(all.issues.map((i) => i.number)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(server.count('issues/list-for-repo')).toBe(4);
    const { output: odd } = await call<{ issues: { number: number }[] }>('listIssues', {
      ...repo,
      labels: ['odd'],
    });
    expect(odd.issues.map((i) => i.number)).toEqual([7, 5, 3]);
    const { output: limited } = await call<{ issues: unknown[]; truncated: boolean }>('listIssues', {
      ...repo,
      perPage: 2,
      limit: 3,
    });
    expect(limited).toMatchObject({ truncated: true, issues: [{}, {}, {}] });

    const undo = githubAdapter.operations.createIssue?.compensate?.input(
      { ...repo, title: 'Crash on start' },
      issue,
    );
    expect((await call('closeIssue', undo)).output).toMatchObject({ number: 1, state: 'closed' });
    expect(fake.repo(login, 'tracker').issues.get(1)?.stateReason).toBe('not_planned');
    const { output: open } = await call<{ issues: { number: number }[] }>('listIssues', repo);
    expect(open.issues.map((i) => i.number)).not.toContain(1);
  });

  it('labels: createLabel makes sure one exists (idempotent), listLabels pages, updateLabel renames, deleteLabel removes', async () => {
    newRepo('labelled');
    const repo = { owner: login, repo: 'labelled' };
    const first = await call('createLabel', {
      ...repo,
      name: 'release',
      color: '#0e8a16',
      description: 'Ships next',
    });
    expect(first.output).toEqual({
      name: 'release',
      color: '0e8a16',
      description: 'Ships next',
      created: true,
    });
    const second = await call('createLabel', { ...repo, name: 'Release', color: 'ffffff' });
    expect(second.output).toEqual({
      name: 'release',
      color: '0e8a16',
      description: 'Ships next',
      created: false,
    });
    expect(fake.repo(login, 'labelled').labels.size).toBe(3);

    const { output: listed } = await call<{ labels: { name: string }[] }>('listLabels', repo);
    expect(listed.labels.map((l) => l.name).sort()).toEqual(['bug', 'enhancement', 'release']);
    expect(
      (await call('updateLabel', { ...repo, name: 'release', newName: 'shipping', color: 'BADA55' })).output,
    ).toEqual({
      name: 'shipping',
      color: 'BADA55',
      description: 'Ships next',
    });
    expect((await call('deleteLabel', { ...repo, name: 'shipping' })).output).toEqual({ deleted: true });
    expect((await call('deleteLabel', { ...repo, name: 'shipping' })).output).toEqual({ deleted: false });
    expect((await failure(call('createLabel', { ...repo, name: 'bad', color: 'purple' }))).category).toBe(
      'invalid_input',
    );
  });

  it('createWebhook: signed with the credential secret, never echoed; once across a crash; duplicate conflict; deleteWebhook', async () => {
    newRepo('hooked');
    const input = {
      owner: login,
      repo: 'hooked',
      url: 'https://ci.example.com/hooks/github',
      events: ['push', 'pull_request'],
    };
    const { output: hook } = await call<{ id: number; signed: boolean }>('createWebhook', input, 'hook:ci');
    expect(hook).toMatchObject({
      url: input.url,
      events: ['push', 'pull_request'],
      active: true,
      signed: true,
    });
    const stored = fake.repo(login, 'hooked').hooks.get(hook.id);
    expect(stored).toMatchObject({ secret: webhookSecret, contentType: 'json', insecureSsl: '0' });
    expect(JSON.stringify(hook)).not.toContain(webhookSecret);
    expect(tools.logs.join('\n')).not.toContain(webhookSecret);

    await crashAfterWrite('createWebhook', input, 'hook:ci');
    expect(await call('createWebhook', input, 'hook:ci')).toEqual({ output: hook, replayed: true });
    expect(server.count('repos/create-webhook')).toBe(1);
    expect((await failure(call('createWebhook', input))).category).toBe('conflict');

    const undo = githubAdapter.operations.createWebhook?.compensate?.input(input, hook);
    expect((await call('deleteWebhook', undo)).output).toEqual({ deleted: true });
    expect((await call('deleteWebhook', undo)).output).toEqual({ deleted: false });
  });

  it('maps GitHub errors: exhausted rate limit with its reset time, read-only token, bad token', async () => {
    newRepo('guarded');
    const read = {
      tenantId: 'default',
      tool: 'github',
      operation: 'getRepository',
      input: { owner: login, repo: 'guarded' },
    };
    // Another token, so the pause the rate limit sets in Redis holds up no other test.
    const limited = createTestToolRuntime([githubAdapter], {
      ...env,
      GITHUB_TOKEN: 'ghp_rateLimitedTokenOfAnotherUser000000',
    });
    const readOnly = createTestToolRuntime([githubAdapter], {
      ...env,
      GITHUB_TOKEN: 'ghp_readOnlyTokenOfTheSomagentBot0000000',
    });
    try {
      fake.rateLimitResetAt = Math.floor(Date.now() / 1000) + 120;
      const exhausted = await failure(limited.runtime.invoke(read));
      fake.rateLimitResetAt = undefined;
      expect(exhausted).toMatchObject({ category: 'rate_limited', details: { status: 403 } });
      expect(exhausted.retryable).toBe(true);
      expect(exhausted.details.retryAfterMs).toBeGreaterThan(100_000);
      expect(exhausted.details.retryAfterMs).toBeLessThanOrEqual(121_000);

      expect((await readOnly.runtime.invoke(read)).output).toMatchObject({ name: 'guarded' });
      const denied = await failure(
        readOnly.runtime.invoke({
          ...read,
          operation: 'createIssue',
          input: { owner: login, repo: 'guarded', title: 't' },
        }),
      );
      expect(denied).toMatchObject({ category: 'permission', details: { status: 403 } });
      expect(denied.retryable).toBe(false);
    } finally {
      fake.rateLimitResetAt = undefined;
      await Promise.all([limited.close(), readOnly.close()]);
    }
  });
});
