import type { RequestOptions } from '@gitbeaker/requester-utils';
import { ToolError, categoryOfStatus, parseRetryAfter } from '../core/errors.js';
import { gitbeakerRequesterUtils } from './sdk.js';

/**
 * gitbeaker takes no `fetch`, but it takes a `requesterFn` (a documented constructor option).
 * This one keeps gitbeaker's own request shaping (`createRequesterFn` with its default options
 * handler: snake_case keys, query strings, PRIVATE-TOKEN header) and replaces only the HTTP part
 * with the shared transport. Two of its stock requester's habits would hurt here: it retries 429
 * and 502 ten times (a POST too, which can create twice) and turns an exhausted 429 into an
 * error without a status, hiding Retry-After from the shared rate limiter.
 *
 * `@gitbeaker/requester-utils` is the package @gitbeaker/rest itself is built on (same version).
 */
export async function transportRequester(transport: typeof fetch) {
  const { createRequesterFn } = await gitbeakerRequesterUtils();
  return createRequesterFn(
    async (_service, options) => options,
    async (endpoint, raw = {}) => {
      const options = raw as RequestOptions;
      const method = options.method ?? 'GET';
      const base = options.prefixUrl ?? '';
      const url = new URL(endpoint, base.endsWith('/') ? base : `${base}/`);
      if (options.searchParams) url.search = options.searchParams;
      // gitbeaker sends `{}` as the body of every DELETE; GitLab ignores it, and a DELETE needs none.
      const body = method === 'DELETE' && options.body === '{}' ? undefined : options.body;
      const response = await transport(url, {
        method,
        ...(options.headers ? { headers: options.headers } : {}),
        ...(body === undefined ? {} : { body }),
      });
      if (!response.ok) throw await gitlabError(method, url, response);
      return {
        body: await parseBody(response),
        headers: Object.fromEntries(response.headers.entries()),
        status: response.status,
      };
    },
  );
}

// As gitbeaker's own requester reads bodies: JSON, text, or bytes.
async function parseBody(response: Response) {
  if (response.status === 204) return null;
  const type = (response.headers.get('content-type') ?? '').split(';')[0]?.trim() ?? '';
  if (type === 'application/json') return ((await response.json()) as Record<string, unknown> | null) ?? {};
  if (type.startsWith('text/')) return response.text();
  return response.blob();
}

/**
 * GitLab's errors are `{message}` (a string, or field → problems), or OAuth's `{error,
 * error_description}`. A 400 saying something "already exists" or "has already been taken" is a
 * conflict: the thing is there, and creating it again cannot succeed.
 */
async function gitlabError(method: string, url: URL, response: Response): Promise<ToolError> {
  const text = await response.text();
  let detail = text.slice(0, 300);
  try {
    const body = JSON.parse(text) as { message?: unknown; error?: string; error_description?: string };
    const message = body.message ?? body.error_description ?? body.error;
    if (message !== undefined) detail = typeof message === 'string' ? message : JSON.stringify(message);
  } catch {
    // not JSON (a proxy's page): the raw text is the best there is
  }
  const status = response.status;
  const category =
    status === 400 && /already (exists|been taken)/i.test(detail) ? 'conflict' : categoryOfStatus(status);
  const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
  return new ToolError(category, `GitLab ${method} ${url.pathname} answered ${status}: ${detail}`, {
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}
