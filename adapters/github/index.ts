import { defineAdapter } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { branchOperations } from './branches.js';
import { connectGithub, githubCredentials } from './client.js';
import { commentOperations } from './comments.js';
import { commitOperations } from './commit-files.js';
import { githubToolError } from './errors.js';
import { fileContentOperations } from './file-contents.js';
import { issueOperations } from './issues.js';
import { labelOperations } from './labels.js';
import { pullRequestOperations } from './pull-requests.js';
import { repositoryOperations } from './repositories.js';
import { webhookOperations } from './webhooks.js';

/**
 * GitHub (api.github.com or GitHub Enterprise Server) through the official REST client
 * (@octokit/rest) on the shared transport: repositories, multi-file commits, branches, pull
 * requests, issues, labels, comments and webhooks.
 */
export const githubAdapter = defineAdapter({
  id: 'github',
  title: 'GitHub',
  credentials: {
    schema: githubCredentials,
    env: { token: 'GITHUB_TOKEN', baseUrl: 'GITHUB_API_URL', webhookSecret: 'GITHUB_WEBHOOK_SECRET' },
    secret: ['token', 'webhookSecret'],
  },
  // GitHub allows 5,000 requests an hour per token and pauses bursts of writes; its own 403/429
  // (with the reset time) then pauses every worker through the shared limiter.
  rateLimit: { perSecond: 10, burst: 30 },
  connect: (credentials, transport) => connectGithub(credentials, transport),
  testConnection: async ({ octokit }) => {
    try {
      await octokit.rest.users.getAuthenticated();
    } catch (error) {
      // GitHub App installation tokens may not read /user; /rate_limit still proves the token.
      if (!(error instanceof ToolError) || error.category !== 'permission') throw error;
      await octokit.rest.rateLimit.get();
    }
  },
  classifyError: (error) => githubToolError(error).category,
  operations: {
    ...repositoryOperations,
    ...commitOperations,
    ...fileContentOperations,
    ...branchOperations,
    ...pullRequestOperations,
    ...issueOperations,
    ...commentOperations,
    ...labelOperations,
    ...webhookOperations,
  },
});
