import { defineAdapter } from '../core/define-adapter.js';
import { connectGitlab, gitlabCredentials } from './client.js';
import { issueOperations } from './issues.js';
import { mergeRequestOperations } from './merge-requests.js';
import { pipelineOperations } from './pipelines.js';
import { projectOperations } from './projects.js';
import { releaseOperations } from './releases.js';
import { repositoryOperations } from './repository.js';

/**
 * GitLab (gitlab.com or self-managed) through @gitbeaker/rest, its HTTP on the shared transport.
 * Tested against a contract server on our own OpenAPI description of the REST v4 endpoints it
 * uses (gitlab-v4.openapi.json), since GitLab's could not be had; the live test is the one that counts.
 */
export const gitlabAdapter = defineAdapter({
  id: 'gitlab',
  title: 'GitLab',
  credentials: {
    schema: gitlabCredentials,
    env: { token: 'GITLAB_TOKEN', host: 'GITLAB_URL' },
    secret: ['token'],
  },
  // gitlab.com allows about 2,000 authenticated API calls a minute per user.
  rateLimit: { perSecond: 25, burst: 50 },
  connect: (credentials, { fetch }) => connectGitlab(credentials, fetch),
  testConnection: async (client) => {
    await client.Users.showCurrentUser();
  },
  operations: {
    ...projectOperations,
    ...repositoryOperations,
    ...mergeRequestOperations,
    ...issueOperations,
    ...releaseOperations,
    ...pipelineOperations,
  },
});
