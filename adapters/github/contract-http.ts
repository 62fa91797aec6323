import type { ContractRequest, ContractResponse } from '../../test/contract/contract-server.js';
import { FakeError, type FakeIssue, type FakeRepo, type GithubFake } from './contract-fake.js';
import type { GithubViews } from './contract-views.js';

/** The documentation_url of the fake's errors. */
export const DOCS = 'https://docs.github.com/rest';

/** A fake GitHub operation: the request, validated by the contract server, and the caller's login. */
export type Handler = (request: ContractRequest, login: string) => ContractResponse;

type Body = Record<string, unknown>;
/** The request body as an object (GitHub's bodies here are all JSON objects). */
export const bodyOf = (request: ContractRequest) => (request.body ?? {}) as Body;
/** A string value, or undefined. */
export const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
/** A path parameter, decoded (`heads/main` for `heads%2Fmain`). */
export const param = (request: ContractRequest, name: string) => String(request.params[name]);
/** A numeric path parameter. */
export const numberParam = (request: ContractRequest, name: string) => Number(request.params[name]);

/**
 * A response with the body as JSON goes over the wire: fields a view set to undefined are left out,
 * as GitHub leaves them out (and as the contract server must see them).
 */
export const json = (status: number, body: unknown, headers?: Record<string, string>): ContractResponse => ({
  status,
  body: body === undefined ? undefined : (JSON.parse(JSON.stringify(body)) as unknown),
  ...(headers ? { headers } : {}),
});

/** GitHub's error body (`basic-error`, or `validation-error` with its `errors`). */
export function errorResponse(error: FakeError): ContractResponse {
  const body: Body = { message: error.message, documentation_url: DOCS, status: String(error.status) };
  if (error.errors) body.errors = error.errors;
  return json(error.status, body);
}

/**
 * A page of a list as GitHub serves it: `per_page` (default 30, at most 100) and `page`, with a
 * Link header whose `next` and `last` URLs point back at this server, so clients must follow them.
 */
export function paginated(request: ContractRequest, items: unknown[]): ContractResponse {
  const perPage = Math.min(Number(request.query.per_page ?? 30), 100);
  const page = Number(request.query.page ?? 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (n: number) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query))
      if (key !== 'page') query.set(key, String(value));
    query.set('page', String(n));
    return `<http://${request.headers.host ?? 'localhost'}${request.path}?${query}>`;
  };
  const links = [
    ...(page < last ? [`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(last)}; rel="last"`] : []),
    ...(page > 1 ? [`${pageUrl(1)}; rel="first"`, `${pageUrl(page - 1)}; rel="prev"`] : []),
  ];
  return json(
    200,
    items.slice((page - 1) * perPage, page * perPage),
    links.length ? { link: links.join(', ') } : undefined,
  );
}

/** What every group of handlers works with. */
export interface HandlerKit {
  fake: GithubFake;
  views: GithubViews;
  /** The repository of the path's {owner}/{repo}, or a 404. */
  repoOf(request: ContractRequest): FakeRepo;
  /** An issue or pull request by number, or a 404. */
  issueOf(repo: FakeRepo, number: number): FakeIssue;
}

/** The kit for this fake and its views. */
export function handlerKit(fake: GithubFake, views: GithubViews): HandlerKit {
  return {
    fake,
    views,
    repoOf: (request) => fake.repo(param(request, 'owner'), param(request, 'repo')),
    issueOf: (repo, number) => {
      const issue = repo.issues.get(number);
      if (!issue) throw new FakeError(404, 'Not Found');
      return issue;
    },
  };
}
