import { z } from 'zod';
import type { GithubClient } from './client.js';
import { issueNumber, operation, repoRef } from './schemas.js';

const commentView = z.object({
  id: z.number(),
  htmlUrl: z.string(),
  author: z.string().nullable(),
  createdAt: z.string(),
});

interface CommentData {
  id: number;
  html_url: string;
  user: { login: string } | null;
  created_at: string;
  body?: string;
}

const viewComment = (data: CommentData): z.input<typeof commentView> => ({
  id: data.id,
  htmlUrl: data.html_url,
  author: data.user?.login ?? null,
  createdAt: data.created_at,
});

/** The newest comment of the token's user on the issue with exactly this body. */
async function findOwnComment(
  client: GithubClient,
  input: { owner: string; repo: string; issueNumber: number; body: string },
) {
  const login = await client.viewer();
  const comments = await client.octokit.paginate(client.octokit.rest.issues.listComments, {
    owner: input.owner,
    repo: input.repo,
    issue_number: input.issueNumber,
    per_page: 100,
  });
  const found = comments
    .reverse()
    .find((comment) => comment.user?.login === login && comment.body === input.body);
  return found ? viewComment(found) : undefined;
}

/** Issue and pull request comments. */
export const commentOperations = {
  comment: operation({
    description: 'Comment on an issue or a pull request (Markdown).',
    kind: 'write',
    idempotent: false,
    input: z.object({ ...repoRef, issueNumber, body: z.string().min(1).max(65536) }),
    output: commentView,
    recover: async ({ client }, input) => findOwnComment(client, input),
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.issues.createComment({
        owner: input.owner,
        repo: input.repo,
        issue_number: input.issueNumber,
        body: input.body,
      });
      return viewComment(data);
    },
  }),
};
