import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import type { GithubClient } from './client.js';
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
  path: z.string().min(1).max(4096),
  content: z.string(),
  encoding: fileEncoding,
  message: z.string().min(1),
  branch: branchName.optional().describe("Default: the repository's default branch"),
});
type Input = z.output<typeof input>;

const output = z.object({
  path: z.string(),
  blobSha: z.string(),
  commitSha: z.string(),
  htmlUrl: z.string(),
});

/** The blob id of the file on the branch, or undefined when there is no such file. */
async function currentSha(client: GithubClient, args: Input): Promise<string | undefined> {
  const found = await findOrUndefined(() =>
    client.octokit.rest.repos.getContent({
      owner: args.owner,
      repo: args.repo,
      path: args.path,
      ...(args.branch ? { ref: args.branch } : {}),
    }),
  );
  const data = found?.data;
  return data && !Array.isArray(data) && data.type === 'file' ? data.sha : undefined;
}

async function put(client: GithubClient, args: Input, sha: string | undefined) {
  const { data } = await client.octokit.rest.repos.createOrUpdateFileContents({
    owner: args.owner,
    repo: args.repo,
    path: args.path,
    message: args.message,
    content: bytesOf(args.content, args.encoding).toString('base64'),
    ...(args.branch ? { branch: args.branch } : {}),
    ...(sha ? { sha } : {}),
  });
  return {
    path: data.content?.path ?? args.path,
    blobSha: data.content?.sha ?? '',
    commitSha: data.commit.sha ?? '',
    htmlUrl: data.commit.html_url ?? '',
  };
}

/** Single-file commits through the contents API. */
export const fileContentOperations = {
  createOrUpdateFile: operation({
    description:
      'Create or replace one file through the contents API (one commit); works on an empty repository too. For several files in one commit use createOrUpdateFiles.',
    kind: 'write',
    idempotent: false,
    input,
    output,
    // The file already holding exactly our bytes means the first attempt committed; its last commit is ours.
    recover: async ({ client }, args) => {
      const sha = await currentSha(client, args);
      if (sha !== gitBlobSha(bytesOf(args.content, args.encoding))) return undefined;
      const commits = await client.octokit.rest.repos.listCommits({
        owner: args.owner,
        repo: args.repo,
        path: args.path,
        per_page: 1,
        ...(args.branch ? { sha: args.branch } : {}),
      });
      const commit = commits.data[0];
      return commit
        ? { path: args.path, blobSha: sha, commitSha: commit.sha, htmlUrl: commit.html_url }
        : undefined;
    },
    run: async ({ client }, args) => {
      // Creating is the common case and needs no lookup; GitHub asks for the old blob id to replace a file.
      try {
        return await put(client, args, undefined);
      } catch (error) {
        const needsSha =
          error instanceof ToolError &&
          error.details.status === 422 &&
          /"sha" wasn't supplied/i.test(error.message);
        if (!needsSha) throw error;
        return put(client, args, await currentSha(client, args));
      }
    },
  }),
};
