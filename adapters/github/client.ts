import type { Octokit } from '@octokit/rest';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { githubToolError } from './errors.js';
import { octokitSdk } from './sdk.js';

/** A token (classic or fine-grained PAT, or an App installation token) and where GitHub is. */
export const githubCredentials = z.object({
  token: z.string().min(1),
  /** GitHub Enterprise Server (`https://ghe.example.com/api/v3`) or a test server; default api.github.com. */
  baseUrl: z.string().url().optional(),
  /** Signs the deliveries of every webhook the adapter creates; kept with the token, never in a payload. */
  webhookSecret: z.string().min(1).optional(),
});
/** Validated credentials, as connect() receives them. */
export type GithubCredentials = z.output<typeof githubCredentials>;

/** What operations get: the official REST client, and facts about the token that some of them need. */
export interface GithubClient {
  octokit: Octokit;
  webhookSecret: string | undefined;
  /** Login of the token's user, asked once (recover matches issues and comments by their author). */
  viewer(): Promise<string>;
}

/**
 * An Octokit on the shared transport. Every failed request becomes a ToolError in an error hook,
 * so pagination and multi-request operations fail with the right category and retry delay.
 */
export async function connectGithub(
  credentials: GithubCredentials,
  transport: { fetch: typeof fetch; logger: Logger },
): Promise<GithubClient> {
  const { Octokit } = await octokitSdk();
  const octokit = new Octokit({
    auth: credentials.token,
    userAgent: 'somagent',
    ...(credentials.baseUrl ? { baseUrl: credentials.baseUrl.replace(/\/+$/, '') } : {}),
    request: { fetch: transport.fetch },
    // Only the message is logged: octokit passes the request options, token included, as a second
    // argument. Request lines ("GET /user - 200 in 5ms") and failures are detail; the runtime logs failures.
    log: {
      debug: (message: string) => transport.logger.debug(message),
      info: (message: string) => transport.logger.debug(message),
      warn: (message: string) => transport.logger.warn(message),
      error: (message: string) => transport.logger.debug(message),
    },
  });
  octokit.hook.error('request', (error) => {
    throw githubToolError(error);
  });
  let viewer: Promise<string> | undefined;
  return {
    octokit,
    webhookSecret: credentials.webhookSecret,
    viewer() {
      if (!viewer) {
        viewer = octokit.rest.users.getAuthenticated().then((response) => response.data.login);
        viewer.catch(() => (viewer = undefined));
      }
      return viewer;
    },
  };
}
