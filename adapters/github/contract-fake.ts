import { createHash } from 'node:crypto';
import { gitBlobSha } from './schemas.js';

/** A failure the fake answers the way GitHub does: status and GitHub's error body. */
export class FakeError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: (Record<string, string> | string)[],
  ) {
    super(message);
  }
}

/** A commit object of the fake's store. */
export interface FakeCommit {
  sha: string;
  message: string;
  tree: string;
  parents: string[];
  author: { name: string; email: string; date: string };
}

/** A repository label. */
export interface FakeLabel {
  id: number;
  name: string;
  color: string;
  description: string | null;
}

/** An issue, or a pull request when `pull` is set. */
export interface FakeIssue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: 'completed' | 'not_planned' | 'reopened' | null;
  labels: string[];
  assignees: string[];
  author: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  /** Set for pull requests, which GitHub numbers and lists together with issues. */
  pull?: { head: string; base: string; draft: boolean };
}

/** A comment on an issue or pull request. */
export interface FakeComment {
  id: number;
  issueNumber: number;
  body: string;
  author: string;
  createdAt: string;
}

/** A repository webhook; `secret` is kept to check that the adapter signed it. */
export interface FakeHook {
  id: number;
  url: string;
  contentType: string;
  insecureSsl: string;
  secret: string | undefined;
  events: string[];
  active: boolean;
  createdAt: string;
}

/** A repository and everything in it but git objects (those are shared, content-addressed). */
export interface FakeRepo {
  id: number;
  owner: string;
  ownerIsOrg: boolean;
  name: string;
  private: boolean;
  description: string | null;
  homepage: string | null;
  defaultBranch: string;
  createdAt: string;
  /** `refs/heads/main` -> commit sha. */
  refs: Map<string, string>;
  /** By lower-cased name: GitHub's label names are case-insensitive. */
  labels: Map<string, FakeLabel>;
  issues: Map<number, FakeIssue>;
  comments: FakeComment[];
  hooks: Map<number, FakeHook>;
}

/** GitHub's timestamps: ISO 8601 in UTC without milliseconds. */
export const timestamp = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/**
 * The state behind the GitHub contract handlers: users and their tokens, organizations,
 * repositories with refs, issues, pull requests, labels, comments and hooks, and one
 * content-addressed object store (blob ids are real git blob ids, so the adapter's recover can
 * compare them with ids it computes itself).
 */
export class GithubFake {
  /** Token -> login; `writes: false` tokens get 403 on every write, as a read-only token does. */
  readonly tokens = new Map<string, { login: string; writes: boolean }>();
  readonly orgs = new Set<string>();
  readonly repos = new Map<string, FakeRepo>();
  readonly blobs = new Map<string, Buffer>();
  /** Tree sha -> path -> entry; trees are kept flat (paths with slashes), which GitHub shows with recursive=1. */
  readonly trees = new Map<string, Map<string, { mode: string; sha: string }>>();
  readonly commits = new Map<string, FakeCommit>();
  /** Set to answer every request with an exhausted rate limit until this reset time (epoch seconds). */
  rateLimitResetAt: number | undefined;
  private nextId = 1000;
  private commitCounter = 0;
  private readonly interjections = new Map<string, () => void>();

  constructor(options: {
    users: Record<string, string>;
    readOnlyTokens?: Record<string, string>;
    orgs?: string[];
  }) {
    for (const [token, login] of Object.entries(options.users))
      this.tokens.set(token, { login, writes: true });
    for (const [token, login] of Object.entries(options.readOnlyTokens ?? {}))
      this.tokens.set(token, { login, writes: false });
    for (const org of options.orgs ?? []) this.orgs.add(org);
  }

  /** Runs `action` just before the next request of an operation is handled: another client acting in between. */
  beforeNext(operationId: string, action: () => void): void {
    this.interjections.set(operationId, action);
  }

  /** The action set for this operation, once. */
  takeInterjection(operationId: string): (() => void) | undefined {
    const action = this.interjections.get(operationId);
    this.interjections.delete(operationId);
    return action;
  }

  id(): number {
    return this.nextId++;
  }

  repo(owner: string, name: string): FakeRepo {
    const repo = this.repos.get(`${owner}/${name}`.toLowerCase());
    if (!repo) throw new FakeError(404, 'Not Found');
    return repo;
  }

  createRepo(
    owner: string,
    options: {
      name: string;
      private: boolean;
      description?: string;
      homepage?: string;
      autoInit: boolean;
      ownerIsOrg: boolean;
      author: string;
    },
  ): FakeRepo {
    const key = `${owner}/${options.name}`.toLowerCase();
    if (this.repos.has(key)) {
      throw new FakeError(422, 'Repository creation failed.', [
        {
          resource: 'Repository',
          code: 'custom',
          field: 'name',
          message: 'name already exists on this account',
        },
      ]);
    }
    const repo: FakeRepo = {
      id: this.id(),
      owner,
      ownerIsOrg: options.ownerIsOrg,
      name: options.name,
      private: options.private,
      description: options.description ?? null,
      homepage: options.homepage ?? null,
      defaultBranch: 'main',
      createdAt: timestamp(),
      refs: new Map(),
      labels: new Map(),
      issues: new Map(),
      comments: [],
      hooks: new Map(),
    };
    for (const [name, color, description] of [
      ['bug', 'd73a4a', "Something isn't working"],
      ['enhancement', 'a2eeef', 'New feature or request'],
    ] as const) {
      repo.labels.set(name, { id: this.id(), name, color, description });
    }
    if (options.autoInit) {
      const readme = Buffer.from(
        `# ${options.name}\n${options.description ? `\n${options.description}\n` : ''}`,
      );
      const tree = this.writeTree(new Map([['README.md', { mode: '100644', sha: this.writeBlob(readme) }]]));
      const commit = this.writeCommit({
        message: 'Initial commit',
        tree,
        parents: [],
        author: options.author,
      });
      repo.refs.set('refs/heads/main', commit);
    }
    this.repos.set(key, repo);
    return repo;
  }

  deleteRepo(owner: string, name: string): void {
    this.repo(owner, name);
    this.repos.delete(`${owner}/${name}`.toLowerCase());
  }

  writeBlob(bytes: Buffer): string {
    const sha = gitBlobSha(bytes);
    this.blobs.set(sha, bytes);
    return sha;
  }

  writeTree(entries: Map<string, { mode: string; sha: string }>): string {
    const sorted = [...entries.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const sha = sha1(`tree ${JSON.stringify(sorted)}`);
    this.trees.set(sha, new Map(sorted));
    return sha;
  }

  tree(sha: string): Map<string, { mode: string; sha: string }> {
    const tree = this.trees.get(sha);
    if (!tree) throw new FakeError(404, 'Not Found');
    return tree;
  }

  writeCommit(input: {
    message: string;
    tree: string;
    parents: string[];
    author: string | { name: string; email: string };
  }): string {
    const author =
      typeof input.author === 'string'
        ? { name: input.author, email: `${input.author}@users.noreply.github.com` }
        : input.author;
    const commit = {
      message: input.message,
      tree: input.tree,
      parents: input.parents,
      author: { ...author, date: timestamp() },
    };
    const sha = sha1(`commit ${++this.commitCounter} ${JSON.stringify(commit)}`);
    this.commits.set(sha, { sha, ...commit });
    return sha;
  }

  commit(sha: string): FakeCommit {
    const commit = this.commits.get(sha);
    if (!commit) throw new FakeError(404, 'Not Found');
    return commit;
  }

  /** True when `descendant` has `ancestor` in its history: what a fast-forward needs. */
  isAncestor(ancestor: string, descendant: string): boolean {
    const seen = new Set<string>();
    const queue = [descendant];
    while (queue.length > 0) {
      const sha = queue.pop() as string;
      if (sha === ancestor) return true;
      if (seen.has(sha)) continue;
      seen.add(sha);
      queue.push(...(this.commits.get(sha)?.parents ?? []));
    }
    return false;
  }

  /** Commits from `head` back along first parents, newest first. */
  history(head: string): FakeCommit[] {
    const list: FakeCommit[] = [];
    for (let sha: string | undefined = head; sha; sha = this.commits.get(sha)?.parents[0])
      list.push(this.commit(sha));
    return list;
  }

  /** The next issue or pull request number of a repository (they share one sequence). */
  nextNumber(repo: FakeRepo): number {
    return repo.issues.size + 1;
  }

  /** Opens an issue (or, with `pull`, a pull request) under the repository's next number. */
  openIssue(repo: FakeRepo, author: string, fields: Partial<FakeIssue> & { title: string }): FakeIssue {
    const now = timestamp();
    const issue: FakeIssue = {
      id: this.id(),
      number: this.nextNumber(repo),
      body: null,
      state: 'open',
      stateReason: null,
      labels: [],
      assignees: [],
      author,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      ...fields,
    };
    for (const name of issue.labels) this.ensureLabel(repo, name);
    repo.issues.set(issue.number, issue);
    return issue;
  }

  closeIssue(issue: FakeIssue, reason: FakeIssue['stateReason']): void {
    issue.state = 'closed';
    issue.stateReason = reason;
    issue.closedAt = issue.updatedAt = timestamp();
  }

  /** A label by name, created with GitHub's default colour when missing (as issue labelling does). */
  ensureLabel(repo: FakeRepo, name: string): FakeLabel {
    let label = repo.labels.get(name.toLowerCase());
    if (!label) {
      label = { id: this.id(), name, color: 'ededed', description: null };
      repo.labels.set(name.toLowerCase(), label);
    }
    return label;
  }

  /** Issues (not pull requests) across every repository. */
  issueCount(): number {
    let count = 0;
    for (const repo of this.repos.values())
      for (const issue of repo.issues.values()) if (!issue.pull) count++;
    return count;
  }
}
