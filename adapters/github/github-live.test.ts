import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { githubAdapter } from './index.js';

const token = process.env.GITHUB_TOKEN;
/** `owner/name` of a repository whose issues the token may read. */
const liveRepo = process.env.GITHUB_LIVE_REPO;
/** Creating and deleting a private repository needs the `repo` and `delete_repo` scopes, so it is asked for apart. */
const liveWrites = process.env.GITHUB_LIVE_WRITES === '1';

describe.skipIf(!token)('github adapter live against GitHub (GITHUB_TOKEN set)', () => {
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown) =>
    (await tools.runtime.invoke({ tenantId: 'default', tool: 'github', operation, input })).output as T;

  beforeAll(() => {
    tools = createTestToolRuntime([githubAdapter], {
      GITHUB_TOKEN: token ?? '',
      ...(process.env.GITHUB_API_URL ? { GITHUB_API_URL: process.env.GITHUB_API_URL } : {}),
    });
  });
  afterAll(() => tools?.close());

  it('proves the token (GET /user)', async () => {
    expect(await tools.runtime.checkConnection('default', 'github')).toEqual({ reachable: true });
  });

  it.skipIf(!liveRepo)('lists every issue of GITHUB_LIVE_REPO', async () => {
    const [owner = '', repo = ''] = (liveRepo ?? '').split('/');
    const { issues } = await call<{ issues: { number: number; isPullRequest: boolean }[] }>('listIssues', {
      owner,
      repo,
      state: 'all',
      limit: 300,
    });
    expect(issues.every((issue) => issue.number > 0 && !issue.isPullRequest)).toBe(true);
  });

  it.skipIf(!liveWrites)(
    'creates a private repository, commits, branches, opens a pull request and an issue, then deletes it',
    async () => {
      const name = `somagent-live-${Date.now()}`;
      const created = await call<{ owner: string; name: string }>('createRepository', {
        name,
        description: 'SomaGent live test; deleted at the end',
      });
      const repo = { owner: created.owner, repo: created.name };
      try {
        const commit = await call<{ commitSha: string }>('createOrUpdateFiles', {
          ...repo,
          message: 'Two files in one commit',
          files: [
            { path: 'docs/a.md', content: '# A\n' },
            { path: 'docs/b.md', content: '# B\n' },
          ],
        });
        expect(commit.commitSha).toMatch(/^[0-9a-f]{40}$/);
        await call('createBranch', { ...repo, branch: 'live/change' });
        await call('createOrUpdateFile', {
          ...repo,
          branch: 'live/change',
          path: 'docs/a.md',
          content: '# A, changed\n',
          message: 'Change A',
        });
        const pull = await call<{ number: number }>('openPullRequest', {
          ...repo,
          head: 'live/change',
          base: 'main',
          title: 'Live change',
        });
        await call('comment', { ...repo, issueNumber: pull.number, body: 'Commented by the live test.' });
        await call('createLabel', { ...repo, name: 'somagent-live', color: '663399' });
        const issue = await call<{ number: number }>('createIssue', {
          ...repo,
          title: 'Live issue',
          labels: ['somagent-live'],
        });
        const { issues } = await call<{ issues: { number: number }[] }>('listIssues', { ...repo });
        expect(issues.map((listed) => listed.number)).toContain(issue.number);
        await call('closePullRequest', { ...repo, pullNumber: pull.number });
      } finally {
        expect(await call('deleteRepository', repo)).toEqual({ deleted: true });
      }
    },
  );
});

if (!token) {
  console.info(
    'github live test skipped: set GITHUB_TOKEN (and GITHUB_LIVE_REPO=owner/name to list its issues; ' +
      'GITHUB_LIVE_WRITES=1 with repo and delete_repo scopes to create and delete a private repository) to run it',
  );
}
