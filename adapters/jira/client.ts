import type { Version3Client } from 'jira.js';
import { z } from 'zod';
import { ToolError, categoryOfStatus, parseRetryAfter, toToolError } from '../core/errors.js';
import { jiraSdk } from './sdk.js';

/** Jira Cloud credentials: the site, and an Atlassian account's email with an API token (basic auth). */
export const jiraCredentials = z.object({
  /** The site, e.g. https://acme.atlassian.net (a path after the host is ignored). */
  baseUrl: z.url(),
  email: z.string().min(3),
  apiToken: z.string().min(1),
});
export type JiraCredentials = z.output<typeof jiraCredentials>;

/** What every Jira operation gets: the jira.js client and the site, for browse links. */
export interface JiraClient {
  api: Version3Client;
  siteUrl: string;
}

/**
 * jira.js sends its requests with axios; its fetch adapter is pointed at the shared transport, so
 * Jira calls get the same timeouts and retries of idempotent requests as every other adapter.
 */
export async function connectJira(
  credentials: JiraCredentials,
  transport: typeof fetch,
): Promise<JiraClient> {
  const { Version3Client } = await jiraSdk();
  const siteUrl = new URL(credentials.baseUrl).origin;
  const api = new Version3Client({
    host: siteUrl,
    authentication: { basic: { email: credentials.email, apiToken: credentials.apiToken } },
    baseRequestConfig: { adapter: 'fetch', env: { fetch: transport } },
  });
  return { api, siteUrl };
}

interface AxiosLikeCause {
  config?: { method?: string; url?: string };
  response?: { headers?: { get?(name: string): unknown } & Record<string, unknown> };
}

/** Jira's error body: `{errorMessages: [...], errors: {field: message}}`; anything else as text. */
function describeJiraBody(data: unknown): string {
  if (typeof data === 'string') return data.slice(0, 500);
  if (!data || typeof data !== 'object') return '';
  const body = data as { errorMessages?: unknown; errors?: unknown };
  const parts: string[] = [];
  if (Array.isArray(body.errorMessages)) parts.push(...body.errorMessages.map(String));
  if (body.errors && typeof body.errors === 'object' && !Array.isArray(body.errors)) {
    parts.push(...Object.entries(body.errors).map(([field, message]) => `${field}: ${String(message)}`));
  } else if (Array.isArray(body.errors)) {
    // The bulk create answers `errors: [{failedElementNumber, elementErrors}]`.
    for (const element of body.errors as { failedElementNumber?: number; elementErrors?: unknown }[]) {
      parts.push(`issue ${element.failedElementNumber ?? '?'}: ${describeJiraBody(element.elementErrors)}`);
    }
  }
  return parts.join('; ');
}

/**
 * A jira.js failure as a ToolError: the status decides the category, Jira's own messages make the
 * text, and Retry-After (on the axios response jira.js keeps as `cause`) the wait of a 429.
 */
export function jiraError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  // Loaded by connect, before any call could fail (see core/lazy.ts).
  const HttpException = jiraSdk.loaded()?.HttpException;
  if (
    !HttpException ||
    !(error instanceof HttpException) ||
    error.status === undefined ||
    !(error.cause as AxiosLikeCause)?.response
  ) {
    return toToolError(error, { tool: 'jira' });
  }
  const cause = error.cause as AxiosLikeCause;
  const status = error.status;
  const headers = cause.response?.headers;
  const retryAfter = headers?.get?.('retry-after') ?? headers?.['retry-after'];
  const retryAfterMs = parseRetryAfter(typeof retryAfter === 'string' ? retryAfter : undefined);
  const response = error.response as { data?: unknown };
  const what = cause.config?.url
    ? `${(cause.config.method ?? 'get').toUpperCase()} ${pathOf(cause.config.url)} `
    : '';
  const detail = describeJiraBody(response?.data);
  return new ToolError(
    categoryOfStatus(status),
    `Jira ${what}answered ${status}${detail ? `: ${detail}` : ''}`,
    {
      tool: 'jira',
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

function pathOf(url: string): string {
  try {
    return new URL(url, 'http://jira.invalid').pathname;
  } catch {
    return url;
  }
}

/** Runs one jira.js call and turns its failure into a ToolError. */
export async function jira<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw jiraError(error);
  }
}
