import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import type { GithubClient } from './client.js';
import { defaultBranch } from './repositories.js';
import {
  branchName,
  bytesOf,
  fileEncoding,
  findOrUndefined,
  gitBlobSha,
  operation,
  repoRef,
} from './schemas.js';

const input = z.object({
  ...repoRef,
  branch: branchName.optional().describe("Default: the repository's default branch"),
  message: z.string().min(1),
  files: z
    .array(
      z.object({
        path: z
          .string()
          .min(1)
          .max(4096)
          .regex(/^(?!\/)(?!.*\/\/).*[^/]$/, 'a relative file path'),
        content: z.string(),
        encoding: fileEncoding,
        executable: z.boolean().default(false),
      }),
    )
    .max(500)
    .default([]),
  delete: z.array(z.string().min(1)).max(500).default([]).describe('Paths to remove in the same commit'),
  author: z.object({ name: z.string().min(1), email: z.string().email() }).optional(),
});
type Input = z.output<typeof input>;

const output = z.object({
  branch: z.string(),
  commitSha: z.string(),
  parentSha: z.string(),
  treeSha: z.string(),
  htmlUrl: z.string(),
  files: z.array(z.object({ path: z.string(), blobSha: z.string() })),
});
type Output = z.input<typeof output>;

/** How often a commit is rebuilt on a branch that moved under it before giving up as a conflict. */
const FAST_FORWARD_ATTEMPTS = 3;

const headOf = async (client: GithubClient, owner: string, repo: string, branch: string) =>
  (await client.octokit.rest.git.getRef({ owner, repo, ref: `heads/${branch}` })).data.object.sha;

/** One attempt: blobs, a tree on the head's tree, a commit on the head, then a fast-forward of the branch. */
async function commitOnce(
  client: GithubClient,
  args: Input,
  branch: string,
  heartbeat: (details?: unknown) => void,
): Promise<Output> {
  const { owner, repo } = args;
  const git = client.octokit.rest.git;
  const parentSha = await headOf(client, owner, repo, branch);
  const parent = (await git.getCommit({ owner, repo, commit_sha: parentSha })).data;
  const files: Output['files'] = [];
  for (const file of args.files) {
    const blob = await git.createBlob({ owner, repo, content: file.content, encoding: file.encoding });
    files.push({ path: file.path, blobSha: blob.data.sha });
    heartbeat({ blobs: files.length, of: args.files.length });
  }
  const tree = await git.createTree({
    owner,
    repo,
    base_tree: parent.tree.sha,
    tree: [
      ...files.map((file, i) => ({
        path: file.path,
        mode: (args.files[i]?.executable ? '100755' : '100644') as '100755' | '100644',
        type: 'blob' as const,
        sha: file.blobSha,
      })),
      // A null sha removes the path from the base tree.
      ...args.delete.map((path) => ({ path, mode: '100644' as const, type: 'blob' as const, sha: null })),
    ],
  });
  const commit = await git.createCommit({
    owner,
    repo,
    message: args.message,
    tree: tree.data.sha,
    parents: [parentSha],
    ...(args.author ? { author: args.author } : {}),
  });
  await git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.data.sha, force: false });
  return {
    branch,
    commitSha: commit.data.sha,
    parentSha,
    treeSha: tree.data.sha,
    htmlUrl: commit.data.html_url,
    files,
  };
}

/**
 * The branch head, if it is the commit an interrupted attempt made: our message, and every file
 * with exactly our bytes (blob ids are content hashes, so they can be compared without reading).
 */
async function findCommit(client: GithubClient, args: Input): Promise<Output | undefined> {
  const { owner, repo } = args;
  const branch = args.branch ?? (await defaultBranch(client, owner, repo));
  const head = await findOrUndefined(() => headOf(client, owner, repo, branch));
  if (!head) return undefined;
  const commit = (await client.octokit.rest.git.getCommit({ owner, repo, commit_sha: head })).data;
  if (commit.message !== args.message) return undefined;
  const tree = (
    await client.octokit.rest.git.getTree({ owner, repo, tree_sha: commit.tree.sha, recursive: 'true' })
  ).data;
  if (tree.truncated) return undefined;
  const blobs = new Map(
    tree.tree.filter((entry) => entry.type === 'blob').map((entry) => [entry.path, entry.sha]),
  );
  const files = args.files.map((file) => ({
    path: file.path,
    blobSha: gitBlobSha(bytesOf(file.content, file.encoding)),
  }));
  if (files.some((file) => blobs.get(file.path) !== file.blobSha)) return undefined;
  if (args.delete.some((path) => blobs.has(path))) return undefined;
  return {
    branch,
    commitSha: commit.sha,
    parentSha: commit.parents[0]?.sha ?? '',
    treeSha: commit.tree.sha,
    htmlUrl: commit.html_url,
    files,
  };
}

/** Multi-file commits through the git data API. */
export const commitOperations = {
  createOrUpdateFiles: operation({
    description:
      'Commit several files (and deletions) to a branch as ONE commit through the git data API: blobs, a tree, a commit, then a fast-forward of the branch. The repository must have a first commit (createRepository with autoInit).',
    kind: 'write',
    idempotent: false,
    input: input.refine(
      (value) => value.files.length + value.delete.length > 0,
      'give at least one file or deletion',
    ),
    output,
    recover: async ({ client }, args) => findCommit(client, args),
    run: async ({ client, heartbeat }, args) => {
      const branch = args.branch ?? (await defaultBranch(client, args.owner, args.repo));
      for (let attempt = 1; ; attempt++) {
        try {
          return await commitOnce(client, args, branch, heartbeat);
        } catch (error) {
          // Someone pushed between our read of the head and our update: build again on the new head.
          const raced =
            error instanceof ToolError &&
            error.category === 'invalid_input' &&
            /fast forward/i.test(error.message);
          if (!raced) throw error;
          if (attempt >= FAST_FORWARD_ATTEMPTS) {
            throw new ToolError(
              'conflict',
              `${branch} kept moving while committing: ${error.message}`,
              error.details,
            );
          }
        }
      }
    },
  }),
};
