import { z } from 'zod';
import type { GithubClient } from './client.js';
import { issueNumber, operation, repoRef } from './schemas.js';

const issueView = z.object({
  number: z.number(),
  id: z.number(),
  htmlUrl: z.string(),
  state: z.string(),
  title: z.string(),
  body: z.string().nullable(),
  labels: z.array(z.string()),
  author: z.string().nullable(),
  isPullRequest: z.boolean(),
  createdAt: z.string(),
});

interface IssueData {
  number: number;
  id: number;
  html_url: string;
  state: string;
  title: string;
  body?: string | null;
  labels: (string | { name?: string })[];
  user: { login: string } | null;
  pull_request?: unknown;
  created_at: string;
}

const viewIssue = (data: IssueData): z.input<typeof issueView> => ({
  number: data.number,
  id: data.id,
  htmlUrl: data.html_url,
  state: data.state,
  title: data.title,
  body: data.body ?? null,
  labels: data.labels.map((label) => (typeof label === 'string' ? label : (label.name ?? ''))),
  author: data.user?.login ?? null,
  isPullRequest: data.pull_request !== undefined,
  createdAt: data.created_at,
});

/** How far back recover looks among the token user's newest issues. */
const RECOVER_WINDOW = 30;

/** The newest issue the token's user opened here with this title and body: what an interrupted create made. */
async function findOwnIssue(
  client: GithubClient,
  input: { owner: string; repo: string; title: string; body?: string | undefined },
) {
  const { data } = await client.octokit.rest.issues.listForRepo({
    owner: input.owner,
    repo: input.repo,
    creator: await client.viewer(),
    state: 'all',
    sort: 'created',
    direction: 'desc',
    per_page: RECOVER_WINDOW,
  });
  const found = data.find(
    (issue) =>
      !issue.pull_request && issue.title === input.title && (issue.body ?? '') === (input.body ?? ''),
  );
  return found ? viewIssue(found) : undefined;
}

/** Issues: create, close, list. */
export const issueOperations = {
  createIssue: operation({
    description:
      'Open an issue, with labels and assignees if given (labels that do not exist yet are created by GitHub).',
    kind: 'write',
    idempotent: false,
    input: z.object({
      ...repoRef,
      title: z.string().min(1).max(256),
      body: z.string().max(65536).optional(),
      labels: z.array(z.string().min(1)).optional(),
      assignees: z.array(z.string().min(1)).optional(),
    }),
    output: issueView,
    compensate: {
      operation: 'closeIssue',
      input: (input, output) => ({
        owner: input.owner,
        repo: input.repo,
        issueNumber: output.number,
        reason: 'not_planned',
      }),
    },
    recover: async ({ client }, input) => findOwnIssue(client, input),
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.issues.create({
        owner: input.owner,
        repo: input.repo,
        title: input.title,
        ...(input.body === undefined ? {} : { body: input.body }),
        ...(input.labels === undefined ? {} : { labels: input.labels }),
        ...(input.assignees === undefined ? {} : { assignees: input.assignees }),
      });
      return viewIssue(data);
    },
  }),
  closeIssue: operation({
    description: 'Close an issue as completed or not planned (the compensation of createIssue).',
    kind: 'write',
    idempotent: true,
    input: z.object({
      ...repoRef,
      issueNumber,
      reason: z.enum(['completed', 'not_planned']).default('completed'),
    }),
    output: issueView,
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.issues.update({
        owner: input.owner,
        repo: input.repo,
        issue_number: input.issueNumber,
        state: 'closed',
        state_reason: input.reason,
      });
      return viewIssue(data);
    },
  }),
  listIssues: operation({
    description: 'List the issues of a repository, all pages (pull requests left out unless asked for).',
    kind: 'read',
    idempotent: true,
    input: z.object({
      ...repoRef,
      state: z.enum(['open', 'closed', 'all']).optional().describe('Default (GitHub): open'),
      labels: z.array(z.string().min(1)).optional().describe('Only issues with all of these labels'),
      since: z.string().datetime().optional().describe('Only issues updated at or after this time'),
      includePullRequests: z.boolean().default(false),
      perPage: z.number().int().min(1).max(100).default(100),
      limit: z.number().int().min(1).max(10_000).default(1000).describe('Stop after this many issues'),
    }),
    output: z.object({ issues: z.array(issueView), truncated: z.boolean() }),
    run: async ({ client, heartbeat }, input) => {
      const issues: z.input<typeof issueView>[] = [];
      let truncated = false;
      let pages = 0;
      await client.octokit.paginate(
        client.octokit.rest.issues.listForRepo,
        {
          owner: input.owner,
          repo: input.repo,
          per_page: input.perPage,
          ...(input.state ? { state: input.state } : {}),
          ...(input.labels ? { labels: input.labels.join(',') } : {}),
          ...(input.since ? { since: input.since } : {}),
        },
        (response, done) => {
          heartbeat({ pages: ++pages });
          for (const issue of response.data) {
            if (issue.pull_request && !input.includePullRequests) continue;
            if (issues.length >= input.limit) {
              truncated = true;
              break;
            }
            issues.push(viewIssue(issue));
          }
          if (truncated) done();
          return [];
        },
      );
      return { issues, truncated };
    },
  }),
};
