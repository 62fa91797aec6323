import type { OpenApiDocument } from '../../test/contract/openapi-types.js';
import { responseExample } from '../../test/contract/spec-examples.js';
import type {
  FakeComment,
  FakeCommit,
  FakeHook,
  FakeIssue,
  FakeLabel,
  FakeRepo,
  GithubFake,
} from './contract-fake.js';

type Json = Record<string, unknown>;

/**
 * GitHub-shaped JSON for the fake's objects, built on GitHub's own response examples from the
 * OpenAPI document (so every field its schemas require is there), with the fake's values written
 * over them. Where an example breaks its schema, the patch says so.
 */
export class GithubViews {
  private readonly templates = new Map<string, Json>();

  constructor(
    private readonly doc: OpenApiDocument,
    private readonly fake: GithubFake,
    /** Where clients reach the fake, for the `url` fields; `html_url`s stay on github.com. */
    private readonly apiUrl: () => string,
  ) {}

  private template(
    operationId: string,
    status: number,
    pick?: { part: string; of(example: unknown): unknown },
  ): Json {
    const key = `${operationId} ${status} ${pick?.part ?? ''}`;
    let template = this.templates.get(key);
    if (!template) {
      const example = responseExample(this.doc, operationId, status);
      template = (pick ? pick.of(example) : example) as Json;
      if (!template || typeof template !== 'object')
        throw new Error(`GitHub's spec has no example for ${key}`);
      this.templates.set(key, template);
    }
    return structuredClone(template);
  }

  private repoUrl(repo: FakeRepo) {
    return `${this.apiUrl()}/repos/${repo.owner}/${repo.name}`;
  }

  user(login: string): Json {
    const user = this.template('users/get-authenticated', 200);
    return {
      ...user,
      login,
      id: this.userId(login),
      url: `${this.apiUrl()}/users/${login}`,
      html_url: `https://github.com/${login}`,
    };
  }

  /** The `simple-user` inside issues, comments and repositories. */
  simpleUser(login: string, type = 'User'): Json {
    const user = this.template('issues/create', 201, { part: 'user', of: (issue) => (issue as Json).user });
    return {
      ...user,
      login,
      id: this.userId(login),
      type,
      url: `${this.apiUrl()}/users/${login}`,
      html_url: `https://github.com/${login}`,
    };
  }

  private userId(login: string): number {
    let hash = 7;
    for (const char of login) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000;
    return hash + 1;
  }

  repository(repo: FakeRepo): Json {
    const full = `${repo.owner}/${repo.name}`;
    return {
      ...this.template('repos/create-for-authenticated-user', 201),
      id: repo.id,
      node_id: Buffer.from(`Repository${repo.id}`).toString('base64'),
      name: repo.name,
      full_name: full,
      owner: this.simpleUser(repo.owner, repo.ownerIsOrg ? 'Organization' : 'User'),
      private: repo.private,
      visibility: repo.private ? 'private' : 'public',
      description: repo.description,
      homepage: repo.homepage,
      default_branch: repo.defaultBranch,
      html_url: `https://github.com/${full}`,
      url: this.repoUrl(repo),
      clone_url: `https://github.com/${full}.git`,
      git_url: `git://github.com/${full}.git`,
      ssh_url: `git@github.com:${full}.git`,
      svn_url: `https://github.com/${full}`,
      created_at: repo.createdAt,
      updated_at: repo.createdAt,
      pushed_at: repo.createdAt,
      open_issues_count: [...repo.issues.values()].filter((issue) => issue.state === 'open').length,
      // GitHub's example predates `has_discussions`, which its schema now requires.
      has_discussions: false,
      fork: false,
      template_repository: null,
      organization: repo.ownerIsOrg ? this.simpleUser(repo.owner, 'Organization') : null,
      permissions: { admin: true, maintain: true, push: true, triage: true, pull: true },
      // The full-repository schema (GET) requires `language`, which the create example leaves out.
      language: null,
      parent: undefined,
      source: undefined,
    };
  }

  ref(repo: FakeRepo, ref: string, sha: string): Json {
    return {
      ref,
      node_id: Buffer.from(`Ref${repo.id}:${ref}`).toString('base64'),
      url: `${this.repoUrl(repo)}/git/${ref}`,
      object: { type: 'commit', sha, url: `${this.repoUrl(repo)}/git/commits/${sha}` },
    };
  }

  blob(repo: FakeRepo, sha: string): Json {
    return { sha, url: `${this.repoUrl(repo)}/git/blobs/${sha}` };
  }

  tree(repo: FakeRepo, sha: string): Json {
    const entries = [...this.fake.tree(sha).entries()].map(([path, entry]) => ({
      path,
      mode: entry.mode,
      type: 'blob',
      sha: entry.sha,
      size: this.fake.blobs.get(entry.sha)?.length ?? 0,
      url: `${this.repoUrl(repo)}/git/blobs/${entry.sha}`,
    }));
    return { sha, url: `${this.repoUrl(repo)}/git/trees/${sha}`, tree: entries, truncated: false };
  }

  gitCommit(repo: FakeRepo, commit: FakeCommit): Json {
    const base = this.template('git/get-commit', 200);
    const html = `https://github.com/${repo.owner}/${repo.name}/commit/${commit.sha}`;
    return {
      ...base,
      sha: commit.sha,
      node_id: Buffer.from(`Commit${commit.sha}`).toString('base64'),
      url: `${this.repoUrl(repo)}/git/commits/${commit.sha}`,
      html_url: html,
      author: commit.author,
      committer: commit.author,
      message: commit.message,
      tree: { sha: commit.tree, url: `${this.repoUrl(repo)}/git/trees/${commit.tree}` },
      parents: commit.parents.map((sha) => ({
        sha,
        url: `${this.repoUrl(repo)}/git/commits/${sha}`,
        html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}`,
      })),
    };
  }

  /** An item of GET /repos/{owner}/{repo}/commits. */
  listedCommit(repo: FakeRepo, commit: FakeCommit): Json {
    const base = this.template('repos/list-commits', 200, {
      part: 'first item',
      of: (list) => (list as Json[])[0],
    });
    return {
      ...base,
      sha: commit.sha,
      url: `${this.repoUrl(repo)}/commits/${commit.sha}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${commit.sha}`,
      commit: {
        ...(base.commit as Json),
        message: commit.message,
        author: commit.author,
        committer: commit.author,
        tree: { sha: commit.tree, url: `${this.repoUrl(repo)}/git/trees/${commit.tree}` },
      },
      parents: commit.parents.map((sha) => ({ sha, url: `${this.repoUrl(repo)}/commits/${sha}` })),
    };
  }

  fileContent(repo: FakeRepo, path: string, sha: string, ref: string): Json {
    const bytes = this.fake.blobs.get(sha) ?? Buffer.alloc(0);
    const url = `${this.repoUrl(repo)}/contents/${path}`;
    const html = `https://github.com/${repo.owner}/${repo.name}/blob/${ref}/${path}`;
    const git = `${this.repoUrl(repo)}/git/blobs/${sha}`;
    return {
      type: 'file',
      encoding: 'base64',
      size: bytes.length,
      name: path.split('/').pop() ?? path,
      path,
      content: bytes.toString('base64'),
      sha,
      url,
      git_url: git,
      html_url: html,
      download_url: `https://raw.githubusercontent.com/${repo.owner}/${repo.name}/${ref}/${path}`,
      _links: { self: url, git, html },
    };
  }

  fileCommit(repo: FakeRepo, path: string, blobSha: string, commit: FakeCommit, ref: string): Json {
    const { _links, type, name, size, url, git_url, html_url, download_url } = this.fileContent(
      repo,
      path,
      blobSha,
      ref,
    );
    return {
      content: { name, path, sha: blobSha, size, url, html_url, git_url, download_url, type, _links },
      commit: this.gitCommit(repo, commit),
    };
  }

  label(repo: FakeRepo, label: FakeLabel): Json {
    return {
      id: label.id,
      node_id: Buffer.from(`Label${label.id}`).toString('base64'),
      url: `${this.repoUrl(repo)}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      description: label.description,
      color: label.color,
      default: false,
    };
  }

  issue(repo: FakeRepo, issue: FakeIssue): Json {
    const base = this.template('issues/create', 201);
    const html = `https://github.com/${repo.owner}/${repo.name}/${issue.pull ? 'pull' : 'issues'}/${issue.number}`;
    return {
      ...base,
      id: issue.id,
      node_id: Buffer.from(`Issue${issue.id}`).toString('base64'),
      url: `${this.repoUrl(repo)}/issues/${issue.number}`,
      repository_url: this.repoUrl(repo),
      labels_url: `${this.repoUrl(repo)}/issues/${issue.number}/labels{/name}`,
      comments_url: `${this.repoUrl(repo)}/issues/${issue.number}/comments`,
      events_url: `${this.repoUrl(repo)}/issues/${issue.number}/events`,
      html_url: html,
      number: issue.number,
      state: issue.state,
      state_reason: issue.stateReason,
      title: issue.title,
      body: issue.body,
      user: this.simpleUser(issue.author),
      labels: issue.labels.map((name) => this.label(repo, this.fake.ensureLabel(repo, name))),
      assignee: issue.assignees[0] ? this.simpleUser(issue.assignees[0]) : null,
      assignees: issue.assignees.map((login) => this.simpleUser(login)),
      milestone: null,
      locked: false,
      active_lock_reason: null,
      comments: repo.comments.filter((comment) => comment.issueNumber === issue.number).length,
      pull_request: issue.pull
        ? {
            url: `${this.repoUrl(repo)}/pulls/${issue.number}`,
            html_url: html,
            diff_url: `${html}.diff`,
            patch_url: `${html}.patch`,
          }
        : undefined,
      closed_at: issue.closedAt,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      closed_by: issue.state === 'closed' ? this.simpleUser(issue.author) : null,
      author_association: 'OWNER',
      pinned_comment: undefined,
    };
  }

  pull(repo: FakeRepo, issue: FakeIssue): Json {
    const pull = issue.pull;
    if (!pull) throw new Error(`#${issue.number} is no pull request`);
    const base = this.template('pulls/create', 201);
    const html = `https://github.com/${repo.owner}/${repo.name}/pull/${issue.number}`;
    const api = `${this.repoUrl(repo)}/pulls/${issue.number}`;
    const side = (ref: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha: repo.refs.get(`refs/heads/${ref}`) ?? '0000000000000000000000000000000000000000',
      user: this.simpleUser(repo.owner),
      repo: this.repository(repo),
    });
    return {
      ...base,
      id: issue.id,
      node_id: Buffer.from(`PullRequest${issue.id}`).toString('base64'),
      url: api,
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: `${this.repoUrl(repo)}/issues/${issue.number}`,
      number: issue.number,
      state: issue.state,
      title: issue.title,
      body: issue.body,
      user: this.simpleUser(issue.author),
      labels: issue.labels.map((name) => this.label(repo, this.fake.ensureLabel(repo, name))),
      milestone: null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      // GitHub's example team lacks `type`, which its schema requires; the fake requests no teams.
      requested_teams: [],
      head: side(pull.head),
      base: side(pull.base),
      draft: pull.draft,
      merged: false,
      merged_at: null,
      merged_by: null,
      merge_commit_sha: null,
      closed_at: issue.closedAt,
      created_at: issue.createdAt,
      updated_at: issue.updatedAt,
      auto_merge: null,
    };
  }

  comment(repo: FakeRepo, comment: FakeComment): Json {
    const base = this.template('issues/create-comment', 201);
    return {
      ...base,
      id: comment.id,
      node_id: Buffer.from(`IssueComment${comment.id}`).toString('base64'),
      url: `${this.repoUrl(repo)}/issues/comments/${comment.id}`,
      html_url: `https://github.com/${repo.owner}/${repo.name}/issues/${comment.issueNumber}#issuecomment-${comment.id}`,
      issue_url: `${this.repoUrl(repo)}/issues/${comment.issueNumber}`,
      body: comment.body,
      user: this.simpleUser(comment.author),
      created_at: comment.createdAt,
      updated_at: comment.createdAt,
    };
  }

  hook(repo: FakeRepo, hook: FakeHook): Json {
    const base = this.template('repos/create-webhook', 201);
    const url = `${this.repoUrl(repo)}/hooks/${hook.id}`;
    return {
      ...base,
      id: hook.id,
      name: 'web',
      active: hook.active,
      events: hook.events,
      // GitHub shows that a secret is set, never the secret.
      config: {
        url: hook.url,
        content_type: hook.contentType,
        insecure_ssl: hook.insecureSsl,
        ...(hook.secret ? { secret: '********' } : {}),
      },
      created_at: hook.createdAt,
      updated_at: hook.createdAt,
      url,
      test_url: `${url}/test`,
      ping_url: `${url}/pings`,
      deliveries_url: `${url}/deliveries`,
    };
  }
}
