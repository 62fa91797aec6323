import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolError } from '../core/errors.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { githubAdapter } from './index.js';
import { leaveWriteStarted } from './interrupted-write.js';
import { RECORDED_TOKEN, startRecordedGithub, type RecordedGithub } from './recorded-github.js';
import { gitBlobSha } from './schemas.js';

// Every scenario was recorded against api.github.com by @octokit/fixtures in the
// octokit-fixture-org organization; each test makes exactly the recorded requests, in order.
const org = 'octokit-fixture-org';

describe('github adapter against recorded real GitHub traffic (@octokit/fixtures-server)', () => {
  let recorded: RecordedGithub;
  const runtimes: TestToolRuntime[] = [];

  beforeAll(async () => {
    recorded = await startRecordedGithub();
  });
  afterAll(async () => {
    await Promise.all(runtimes.map((tools) => tools.close()));
    await recorded?.stop();
  });

  /** Loads a scenario and a runtime whose GITHUB_API_URL replays it. */
  async function replay(scenario: string) {
    const url = await recorded.load(scenario);
    const tools = createTestToolRuntime([githubAdapter], {
      GITHUB_TOKEN: RECORDED_TOKEN,
      GITHUB_API_URL: url,
    });
    runtimes.push(tools);
    const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) => {
      const result = await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'github',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      });
      return result as { output: T; replayed: boolean };
    };
    return { url, tools, call, pending: () => recorded.pending(url) };
  }

  it('create-file: createOrUpdateFile PUTs the file through the contents API', async () => {
    const { call, pending } = await replay('create-file');
    const input = {
      owner: org,
      repo: 'create-file',
      path: 'test.txt',
      content: 'Test content',
      message: 'create test.txt',
    };
    const { output } = await call<{ path: string; blobSha: string; commitSha: string }>(
      'createOrUpdateFile',
      input,
    );
    expect(output).toMatchObject({ path: 'test.txt', blobSha: '3f3f005b29247e51a4f4d6b8ce07b67646cd6074' });
    // The id recover() computes locally is the one GitHub gave the file.
    expect(gitBlobSha(Buffer.from('Test content'))).toBe(output.blobSha);
    expect(await pending()).toEqual([]);
  });

  it('labels: list, create, find again after an interrupted create, update and delete', async () => {
    const { tools, call, pending } = await replay('labels');
    const { output: listed } = await call<{ labels: { name: string }[] }>('listLabels', {
      owner: org,
      repo: 'labels',
    });
    expect(listed.labels.map((label) => label.name)).toContain('bug');

    const create = { owner: org, repo: 'labels', name: 'test-label', color: '#663399' };
    const first = await call<{ name: string; created: boolean }>(
      'createLabel',
      create,
      'recorded:labels:create',
    );
    expect(first.output).toEqual({ name: 'test-label', color: '663399', description: null, created: true });
    // The recording's next request, GET /labels/test-label, is exactly what recover() asks.
    await leaveWriteStarted(tools.pool, githubAdapter, {
      operation: 'createLabel',
      input: create,
      idempotencyKey: 'recorded:labels:create',
    });
    const again = await call('createLabel', create, 'recorded:labels:create');
    expect(again).toEqual({ output: first.output, replayed: true });

    const { output: updated } = await call('updateLabel', {
      owner: org,
      repo: 'labels',
      name: 'test-label',
      newName: 'test-label-updated',
      color: 'BADA55',
    });
    expect(updated).toEqual({ name: 'test-label-updated', color: 'BADA55', description: null });
    expect(
      (await call('deleteLabel', { owner: org, repo: 'labels', name: 'test-label-updated' })).output,
    ).toEqual({ deleted: true });
    expect(await pending()).toEqual([]);
  });

  it('add-labels-to-issue: createIssue, then addLabelsToIssue', async () => {
    const { call, pending } = await replay('add-labels-to-issue');
    const repo = { owner: org, repo: 'add-labels-to-issue' };
    const { output: issue } = await call<{ number: number; labels: string[] }>('createIssue', {
      ...repo,
      title: 'Issue without a label',
    });
    expect(issue).toMatchObject({
      number: 1,
      title: 'Issue without a label',
      labels: [],
      isPullRequest: false,
    });
    const { output } = await call('addLabelsToIssue', {
      ...repo,
      issueNumber: issue.number,
      labels: ['Foo', 'bAr', 'baZ'],
    });
    expect(output).toEqual({ labels: ['Foo', 'bAr', 'baZ'] });
    expect(await pending()).toEqual([]);
  });

  it('git-refs: createBranch at a given commit creates refs/heads/<branch>', async () => {
    const { url, call, pending } = await replay('git-refs');
    // The recording first lists every ref (GET .../git/refs/), a call the adapter has no operation for.
    const listing = await fetch(`${url}/repos/${org}/git-refs/git/refs/`, {
      headers: { accept: 'application/vnd.github.v3+json', authorization: `token ${RECORDED_TOKEN}` },
    });
    expect(listing.status).toBe(200);
    const sha = '0000000000000000000000000000000000000002';
    const { output } = await call('createBranch', { owner: org, repo: 'git-refs', branch: 'test', sha });
    expect(output).toEqual({ branch: 'test', ref: 'refs/heads/test', sha });
    // The rest of the recording updates and deletes the ref with a literal slash (.../git/refs/heads/test).
    // Octokit, as GitHub's OpenAPI asks of a path parameter, sends heads%2Ftest, which GitHub takes
    // but the fixtures server compares literally: deleteBranch is verified on the contract server.
    expect((await pending())[0]).toMatch(/^PATCH .*\/git\/refs\/heads\/test$/);
  });

  it('paginate-issues: listIssues follows the Link header through every page', async () => {
    const { call, pending } = await replay('paginate-issues');
    const { output } = await call<{ issues: { number: number }[]; truncated: boolean }>('listIssues', {
      owner: org,
      repo: 'paginate-issues',
      perPage: 3,
    });
    expect(output.issues.map((issue) => issue.number)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(output.truncated).toBe(false);
    expect(await pending()).toEqual([]);
  });

  it('errors: GitHub\'s 422 "invalid" for a label colour is a non-retryable invalid_input', async () => {
    const { call, pending } = await replay('errors');
    const error = await call('createLabel', {
      owner: org,
      repo: 'errors',
      name: 'foo',
      color: 'invalid',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolError);
    expect(error).toMatchObject({ category: 'invalid_input', details: { status: 422 } });
    expect((error as ToolError).retryable).toBe(false);
    expect((error as ToolError).message).toMatch(/Validation Failed.*"field":"color"/);
    expect(await pending()).toEqual([]);
  });

  it('get-repository: createRepository interrupted after GitHub created it is recovered by owner and name', async () => {
    const { tools, call, pending } = await replay('get-repository');
    const input = { org, name: 'hello-world' };
    await leaveWriteStarted(tools.pool, githubAdapter, {
      operation: 'createRepository',
      input,
      idempotencyKey: 'recorded:get-repository',
    });
    const result = await call('createRepository', input, 'recorded:get-repository');
    expect(result).toEqual({
      replayed: true,
      output: expect.objectContaining({
        owner: org,
        name: 'hello-world',
        fullName: `${org}/hello-world`,
        defaultBranch: 'master',
      }),
    });
    expect(await pending()).toEqual([]);
  });
});
