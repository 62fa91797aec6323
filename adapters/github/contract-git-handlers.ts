import { FakeError } from './contract-fake.js';
import { bodyOf, json, paginated, param, text, type Handler, type HandlerKit } from './contract-http.js';

/**
 * The git data API (refs, blobs, trees, commits) and the contents API over the fake's object store,
 * with GitHub's answers for empty repositories, existing or missing refs and non-fast-forward updates.
 */
export function gitHandlers({ fake, views, repoOf }: HandlerKit): Record<string, Handler> {
  return {
    'git/get-ref': (request) => {
      const repo = repoOf(request);
      const ref = `refs/${param(request, 'ref')}`;
      if (repo.refs.size === 0) throw new FakeError(409, 'Git Repository is empty.');
      const sha = repo.refs.get(ref);
      if (!sha) throw new FakeError(404, 'Not Found');
      return json(200, views.ref(repo, ref, sha));
    },
    'git/create-ref': (request) => {
      const repo = repoOf(request);
      const { ref, sha } = bodyOf(request) as { ref: string; sha: string };
      if (!/^refs\/[^/]+\/.+/.test(ref)) throw new FakeError(422, 'Reference name is invalid');
      if (repo.refs.has(ref)) throw new FakeError(422, 'Reference already exists');
      if (!fake.commits.has(sha)) throw new FakeError(422, 'Object does not exist');
      repo.refs.set(ref, sha);
      return json(201, views.ref(repo, ref, sha));
    },
    'git/update-ref': (request) => {
      const repo = repoOf(request);
      const ref = `refs/${param(request, 'ref')}`;
      const { sha, force } = bodyOf(request) as { sha: string; force?: boolean };
      const current = repo.refs.get(ref);
      if (!current) throw new FakeError(422, 'Reference does not exist');
      if (!fake.commits.has(sha)) throw new FakeError(422, 'Object does not exist');
      if (force !== true && !fake.isAncestor(current, sha))
        throw new FakeError(422, 'Update is not a fast forward');
      repo.refs.set(ref, sha);
      return json(200, views.ref(repo, ref, sha));
    },
    'git/delete-ref': (request) => {
      const repo = repoOf(request);
      const ref = `refs/${param(request, 'ref')}`;
      // GitHub answers {"message": "Reference does not exist"}, but its spec declares this 422 without a body.
      if (!repo.refs.delete(ref)) return json(422, undefined);
      return json(204, undefined);
    },
    'git/create-blob': (request) => {
      const repo = repoOf(request);
      if (repo.refs.size === 0) throw new FakeError(409, 'Git Repository is empty.');
      const { content, encoding } = bodyOf(request) as { content: string; encoding?: string };
      const sha = fake.writeBlob(Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8'));
      return json(201, views.blob(repo, sha));
    },
    'git/create-tree': (request) => {
      const repo = repoOf(request);
      const body = bodyOf(request) as {
        base_tree?: string;
        tree: { path: string; mode: string; sha?: string | null; content?: string }[];
      };
      let entries = new Map<string, { mode: string; sha: string }>();
      if (body.base_tree) {
        if (!fake.trees.has(body.base_tree)) throw new FakeError(422, 'Invalid tree info');
        entries = new Map(fake.tree(body.base_tree));
      }
      for (const entry of body.tree) {
        if (entry.sha === null) {
          entries.delete(entry.path);
          continue;
        }
        const sha = entry.content !== undefined ? fake.writeBlob(Buffer.from(entry.content)) : entry.sha;
        if (!sha || !fake.blobs.has(sha)) throw new FakeError(422, 'Invalid tree info');
        entries.set(entry.path, { mode: entry.mode, sha });
      }
      return json(201, views.tree(repo, fake.writeTree(entries)));
    },
    'git/get-tree': (request) => json(200, views.tree(repoOf(request), param(request, 'tree_sha'))),
    'git/get-commit': (request) =>
      json(200, views.gitCommit(repoOf(request), fake.commit(param(request, 'commit_sha')))),
    'git/create-commit': (request, login) => {
      const repo = repoOf(request);
      const body = bodyOf(request) as {
        message: string;
        tree: string;
        parents?: string[];
        author?: { name: string; email: string };
      };
      if (!fake.trees.has(body.tree)) throw new FakeError(422, 'Tree SHA does not exist');
      for (const parent of body.parents ?? [])
        if (!fake.commits.has(parent))
          throw new FakeError(422, 'Parent SHA does not exist or is not a commit object');
      const sha = fake.writeCommit({
        message: body.message,
        tree: body.tree,
        parents: body.parents ?? [],
        author: body.author ?? login,
      });
      return json(201, views.gitCommit(repo, fake.commit(sha)));
    },

    'repos/create-or-update-file-contents': (request, login) => {
      const repo = repoOf(request);
      const path = param(request, 'path');
      const body = bodyOf(request) as { message: string; content: string; sha?: string; branch?: string };
      const branch = body.branch ?? repo.defaultBranch;
      const head = repo.refs.get(`refs/heads/${branch}`);
      if (!head && repo.refs.size > 0) throw new FakeError(404, `Branch ${branch} not found`);
      const entries = new Map(head ? fake.tree(fake.commit(head).tree) : []);
      const existing = entries.get(path);
      if (existing && !body.sha) throw new FakeError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.');
      if (existing && body.sha !== existing.sha)
        throw new FakeError(409, `${path} does not match ${body.sha ?? ''}`);
      const blob = fake.writeBlob(Buffer.from(body.content, 'base64'));
      entries.set(path, { mode: '100644', sha: blob });
      const sha = fake.writeCommit({
        message: body.message,
        tree: fake.writeTree(entries),
        parents: head ? [head] : [],
        author: login,
      });
      repo.refs.set(`refs/heads/${branch}`, sha);
      return json(existing ? 200 : 201, views.fileCommit(repo, path, blob, fake.commit(sha), branch));
    },
    'repos/get-content': (request) => {
      const repo = repoOf(request);
      const path = param(request, 'path');
      const ref = text(request.query.ref) ?? repo.defaultBranch;
      const head = repo.refs.get(`refs/heads/${ref}`) ?? (fake.commits.has(ref) ? ref : undefined);
      const entry = head ? fake.tree(fake.commit(head).tree).get(path) : undefined;
      if (!entry) throw new FakeError(404, 'Not Found');
      return json(200, views.fileContent(repo, path, entry.sha, ref));
    },
    'repos/list-commits': (request) => {
      const repo = repoOf(request);
      const from = text(request.query.sha) ?? repo.defaultBranch;
      const head = repo.refs.get(`refs/heads/${from}`) ?? (fake.commits.has(from) ? from : undefined);
      if (!head) throw new FakeError(404, 'Not Found');
      const path = text(request.query.path);
      const blobAt = (sha: string | undefined) =>
        sha && path ? fake.tree(fake.commit(sha).tree).get(path)?.sha : undefined;
      const commits = fake
        .history(head)
        .filter((commit) => !path || blobAt(commit.sha) !== blobAt(commit.parents[0]))
        .map((commit) => views.listedCommit(repo, commit));
      return paginated(request, commits);
    },
  };
}
