import { z } from 'zod';
import { defaultBranch } from './repositories.js';
import {
  branchName,
  commitSha,
  deleteIfPresent,
  deletion,
  findOrUndefined,
  operation,
  repoRef,
} from './schemas.js';

const branchView = z.object({ branch: z.string(), ref: z.string(), sha: z.string() });

/** createBranch and its compensation deleteBranch, on git refs. */
export const branchOperations = {
  createBranch: operation({
    description:
      'Create a branch (a git ref) at a commit: `sha` if given, else the head of `from`, else the head of the default branch.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      ...repoRef,
      branch: branchName,
      from: branchName
        .optional()
        .describe("Branch whose head to start from; default: the repository's default branch"),
      sha: commitSha.optional().describe('Exact commit to start from (wins over `from`)'),
    }),
    output: branchView,
    compensate: {
      operation: 'deleteBranch',
      input: (input) => ({ owner: input.owner, repo: input.repo, branch: input.branch }),
    },
    recover: async ({ client }, input) =>
      findOrUndefined(async () => {
        const { data } = await client.octokit.rest.git.getRef({
          owner: input.owner,
          repo: input.repo,
          ref: `heads/${input.branch}`,
        });
        return { branch: input.branch, ref: data.ref, sha: data.object.sha };
      }),
    run: async ({ client }, input) => {
      const { owner, repo } = input;
      let sha = input.sha;
      if (!sha) {
        const from = input.from ?? (await defaultBranch(client, owner, repo));
        sha = (await client.octokit.rest.git.getRef({ owner, repo, ref: `heads/${from}` })).data.object.sha;
      }
      const { data } = await client.octokit.rest.git.createRef({
        owner,
        repo,
        ref: `refs/heads/${input.branch}`,
        sha,
      });
      return { branch: input.branch, ref: data.ref, sha: data.object.sha };
    },
  }),
  deleteBranch: operation({
    description: 'Delete a branch (the compensation of createBranch).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ ...repoRef, branch: branchName }),
    output: deletion,
    run: async ({ client }, input) =>
      deleteIfPresent(
        () =>
          client.octokit.rest.git.deleteRef({
            owner: input.owner,
            repo: input.repo,
            ref: `heads/${input.branch}`,
          }),
        // GitHub answers 422 ("Reference does not exist") for a branch that is already gone.
        (error) => error.category === 'not_found' || error.details.status === 422,
      ),
  }),
};
