import type { BranchSchema, CommitAction, CommitSchema } from '@gitbeaker/rest';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { idempotencyMarker, projectRef, unlessMissing, type GitlabClient } from './client.js';

const operation = defineOperation<GitlabClient>();

/** Git trailer that ties a commit to the idempotency key of the step that made it. */
export const COMMIT_TRAILER = 'Somagent-Idempotency-Key';

const commitOutput = z.object({
  sha: z.string(),
  shortId: z.string(),
  title: z.string(),
  webUrl: z.string(),
  branch: z.string(),
});

const commitView = (commit: CommitSchema, branch: string): z.output<typeof commitOutput> => ({
  sha: commit.id,
  shortId: commit.short_id,
  title: commit.title,
  webUrl: commit.web_url,
  branch,
});

const action = z.discriminatedUnion('action', [
  z.object({
    action: z.enum(['create', 'update']),
    filePath: z.string().min(1),
    content: z.string(),
    encoding: z.enum(['text', 'base64']).default('text'),
  }),
  z.object({ action: z.literal('delete'), filePath: z.string().min(1) }),
  z.object({
    action: z.literal('move'),
    filePath: z.string().min(1),
    previousPath: z.string().min(1),
    content: z.string().optional(),
  }),
]);

const branchOutput = z.object({ name: z.string(), commitSha: z.string(), webUrl: z.string() });
const branchView = (branch: BranchSchema): z.output<typeof branchOutput> => ({
  name: branch.name,
  commitSha: String(branch.commit.id),
  webUrl: branch.web_url,
});

export const repositoryOperations = {
  commitFiles: operation({
    description:
      'Commit several file changes (create, update, delete, move) as one commit on a branch; startBranch creates the ' +
      'branch from another. With an idempotency key the message carries a trailer a retry looks for.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      project: projectRef,
      branch: z.string().min(1),
      message: z.string().min(1),
      actions: z.array(action).min(1).max(1000),
      startBranch: z.string().min(1).optional(),
      authorName: z.string().min(1).optional(),
      authorEmail: z.email().optional(),
    }),
    output: commitOutput,
    recover: async ({ client, idempotencyKey }, input) => {
      if (!idempotencyKey) return undefined;
      const trailer = `${COMMIT_TRAILER}: ${idempotencyMarker(idempotencyKey)}`;
      const recent = await unlessMissing(
        client.Commits.all(input.project, { refName: input.branch, perPage: 20, maxPages: 1 }),
      );
      const found = recent?.find((commit) => commit.message.includes(trailer));
      return found ? commitView(found, input.branch) : undefined;
    },
    run: async ({ client, idempotencyKey }, input) => {
      const message = idempotencyKey
        ? `${input.message.trimEnd()}\n\n${COMMIT_TRAILER}: ${idempotencyMarker(idempotencyKey)}`
        : input.message;
      const commit = await client.Commits.create(
        input.project,
        input.branch,
        message,
        input.actions as CommitAction[],
        {
          ...(input.startBranch ? { startBranch: input.startBranch } : {}),
          ...(input.authorName ? { authorName: input.authorName } : {}),
          ...(input.authorEmail ? { authorEmail: input.authorEmail } : {}),
        },
      );
      return commitView(commit, input.branch);
    },
  }),
  createBranch: operation({
    description: 'Create a branch from a branch, tag or commit.',
    kind: 'write',
    idempotent: false,
    input: z.object({ project: projectRef, branch: z.string().min(1), ref: z.string().min(1) }),
    output: branchOutput,
    // Branch names are unique: an existing branch of that name is the one the interrupted attempt made.
    recover: async ({ client }, input) => {
      const found = await unlessMissing(client.Branches.show(input.project, input.branch));
      return found ? branchView(found) : undefined;
    },
    run: async ({ client }, input) =>
      branchView(await client.Branches.create(input.project, input.branch, input.ref)),
  }),
};
