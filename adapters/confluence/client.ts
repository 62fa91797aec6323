import { z } from 'zod';
import { ToolError, categoryOfStatus, parseRetryAfter } from '../core/errors.js';
import { requestJson } from '../core/http.js';

export const confluenceCredentials = z.object({
  /** The site, e.g. https://acme.atlassian.net (the APIs live under /wiki). */
  baseUrl: z.url(),
  /** The Atlassian account the API token belongs to. */
  email: z.string().min(1),
  apiToken: z.string().min(1),
});
export type ConfluenceCredentials = z.output<typeof confluenceCredentials>;

type Query = Record<string, string | number | boolean | undefined>;

/**
 * Confluence Cloud in plain HTTP over the shared transport, with basic auth (email:API token).
 * Pages live in REST v2 (`/wiki/api/v2`); attachments uploads, labels writes and CQL search exist
 * only in v1 (`/wiki/rest/api`), which Atlassian keeps for exactly these.
 */
export interface ConfluenceClient {
  /** The site's wiki root, e.g. https://acme.atlassian.net/wiki, for links. */
  wikiUrl: string;
  v2<T>(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<T>;
  v1<T>(method: string, path: string, options?: { query?: Query; body?: unknown }): Promise<T>;
  /** A v1 multipart upload (attachments), with the XSRF opt-out header Atlassian requires. */
  upload<T>(path: string, form: FormData): Promise<T>;
}

export function connectConfluence(
  credentials: ConfluenceCredentials,
  transport: typeof fetch,
): ConfluenceClient {
  const wikiUrl = `${credentials.baseUrl.replace(/\/+$/, '')}/wiki`;
  const authorization = `Basic ${Buffer.from(`${credentials.email}:${credentials.apiToken}`).toString('base64')}`;
  const url = (root: string, path: string, query: Query = {}) => {
    const target = new URL(`${wikiUrl}${root}${path}`);
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined) target.searchParams.set(name, String(value));
    }
    return target.toString();
  };
  const json =
    (root: string) =>
    <T>(method: string, path: string, options: { query?: Query; body?: unknown } = {}) =>
      requestJson<T>(transport, {
        method,
        url: url(root, path, options.query),
        headers: { Authorization: authorization },
        ...(options.body === undefined ? {} : { body: options.body }),
      });
  return {
    wikiUrl,
    v2: json('/api/v2'),
    v1: json('/rest/api'),
    async upload<T>(path: string, form: FormData): Promise<T> {
      const target = url('/rest/api', path);
      const response = await transport(target, {
        method: 'PUT',
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          'X-Atlassian-Token': 'no-check',
        },
        body: form,
      });
      const text = await response.text();
      if (!response.ok) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        throw new ToolError(
          categoryOfStatus(response.status),
          `PUT ${new URL(target).pathname} answered ${response.status}: ${text.slice(0, 500)}`,
          { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        );
      }
      return JSON.parse(text) as T;
    },
  };
}

/** True for a not_found ToolError: a destroy of something already gone has nothing left to do. */
export function isGone(error: unknown): boolean {
  return error instanceof ToolError && error.category === 'not_found';
}
