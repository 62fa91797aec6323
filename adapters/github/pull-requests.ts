import { z } from 'zod';
import type { GithubClient } from './client.js';
import { branchName, findOrUndefined, operation, repoRef } from './schemas.js';

const pullView = z.object({
  number: z.number(),
  id: z.number(),
  htmlUrl: z.string(),
  state: z.string(),
  draft: z.boolean(),
  head: z.string(),
  base: z.string(),
});

interface PullData {
  number: number;
  id: number;
  html_url: string;
  state: string;
  draft?: boolean;
  head: { ref: string };
  base: { ref: string };
}

const viewPull = (data: PullData): z.input<typeof pullView> => ({
  number: data.number,
  id: data.id,
  htmlUrl: data.html_url,
  state: data.state,
  draft: data.draft ?? false,
  head: data.head.ref,
  base: data.base.ref,
});

/** GitHub filters pull requests by `owner:branch`; a head from a fork already carries its owner. */
const headFilter = (owner: string, head: string) => (head.includes(':') ? head : `${owner}:${head}`);

async function findOpenPull(
  client: GithubClient,
  input: { owner: string; repo: string; head: string; base: string },
) {
  const { data } = await client.octokit.rest.pulls.list({
    owner: input.owner,
    repo: input.repo,
    state: 'open',
    head: headFilter(input.owner, input.head),
    base: input.base,
  });
  const pull = data[0];
  return pull ? viewPull(pull) : undefined;
}

/** Pull requests: open and close. */
export const pullRequestOperations = {
  openPullRequest: operation({
    description: 'Open a pull request from `head` into `base` (a head in a fork as "owner:branch").',
    kind: 'write',
    idempotent: false,
    input: z.object({
      ...repoRef,
      head: z.string().min(1),
      base: branchName,
      title: z.string().min(1).max(256),
      body: z.string().max(65536).optional(),
      draft: z.boolean().default(false),
    }),
    output: pullView,
    compensate: {
      operation: 'closePullRequest',
      input: (input, output) => ({ owner: input.owner, repo: input.repo, pullNumber: output.number }),
    },
    // GitHub allows one open pull request per head and base: that one is ours.
    recover: async ({ client }, input) => findOrUndefined(() => findOpenPull(client, input)),
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.pulls.create({
        owner: input.owner,
        repo: input.repo,
        head: input.head,
        base: input.base,
        title: input.title,
        draft: input.draft,
        ...(input.body === undefined ? {} : { body: input.body }),
      });
      return viewPull(data);
    },
  }),
  closePullRequest: operation({
    description: 'Close a pull request without merging (the compensation of openPullRequest).',
    kind: 'write',
    idempotent: true,
    input: z.object({ ...repoRef, pullNumber: z.number().int().positive() }),
    output: pullView,
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.pulls.update({
        owner: input.owner,
        repo: input.repo,
        pull_number: input.pullNumber,
        state: 'closed',
      });
      return viewPull(data);
    },
  }),
};
