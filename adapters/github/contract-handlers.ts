import {
  startContractServer,
  type ContractHandler,
  type ContractRequest,
  type ContractServer,
} from '../../test/contract/contract-server.js';
import { loadSpec } from '../../test/contract/load-spec.js';
import type { OpenApiDocument } from '../../test/contract/openapi-types.js';
import { FakeError, GithubFake } from './contract-fake.js';
import { gitHandlers } from './contract-git-handlers.js';
import { DOCS, errorResponse, handlerKit, json } from './contract-http.js';
import { issueHandlers } from './contract-issue-handlers.js';
import { repositoryHandlers } from './contract-repo-handlers.js';
import { GithubViews } from './contract-views.js';

const tokenOf = (request: ContractRequest) =>
  /^(?:token|bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];

/** The GitHub fake behind the contract server: the state, and a handler for each operation the adapter uses. */
export interface GithubContractFake {
  fake: GithubFake;
  handlers: Record<string, ContractHandler>;
  /** Tells the views where the server listens (known only once it started). */
  setApiUrl(url: string): void;
}

/**
 * Handlers for @octokit/openapi's operations over a stateful GitHub fake. Every request needs a
 * known token (401 "Bad credentials" otherwise, 403 for writes with a read-only one); the answers
 * follow GitHub's documented behaviour where the adapter depends on it: 404 for what is missing,
 * 422 with GitHub's messages for names taken, refs that exist or do not, non-fast-forward ref
 * updates and files replaced without their sha; Link-header pagination.
 */
export function githubContractHandlers(doc: OpenApiDocument, fake: GithubFake): GithubContractFake {
  let apiUrl = 'https://api.github.com';
  const views = new GithubViews(doc, fake, () => apiUrl);
  const kit = handlerKit(fake, views);
  const handlers = { ...repositoryHandlers(kit), ...gitHandlers(kit), ...issueHandlers(kit) };

  const guarded = Object.fromEntries(
    Object.entries(handlers).map(([operationId, handler]): [string, ContractHandler] => [
      operationId,
      (request) => {
        const caller = fake.tokens.get(tokenOf(request) ?? '');
        if (!caller) return json(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' });
        if (fake.rateLimitResetAt !== undefined) {
          return json(
            403,
            {
              message: `API rate limit exceeded for user ${caller.login}.`,
              documentation_url: DOCS,
              status: '403',
            },
            {
              'x-ratelimit-limit': '5000',
              'x-ratelimit-remaining': '0',
              'x-ratelimit-reset': String(fake.rateLimitResetAt),
            },
          );
        }
        if (!caller.writes && request.method !== 'GET') {
          return json(403, {
            message: 'Resource not accessible by personal access token',
            documentation_url: DOCS,
            status: '403',
          });
        }
        try {
          fake.takeInterjection(operationId)?.();
          return handler(request, caller.login);
        } catch (error) {
          if (error instanceof FakeError) return errorResponse(error);
          throw error;
        }
      },
    ]),
  );
  return { fake, handlers: guarded, setApiUrl: (url) => (apiUrl = url) };
}

/**
 * A contract server on GitHub's OpenAPI (@octokit/openapi) answering from a fresh fake with these
 * users (token -> login) and organizations; the adapter's GITHUB_API_URL is `server.url`.
 */
export async function startGithubContract(options: {
  users: Record<string, string>;
  readOnlyTokens?: Record<string, string>;
  orgs?: string[];
}): Promise<{ server: ContractServer; fake: GithubFake }> {
  const doc = await loadSpec('github');
  const contract = githubContractHandlers(doc, new GithubFake(options));
  const server = await startContractServer({ vendor: 'github', handlers: contract.handlers });
  contract.setApiUrl(server.url);
  return { server, fake: contract.fake };
}
