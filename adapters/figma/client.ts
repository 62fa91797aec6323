import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import { requestJson } from '../core/http.js';

/** Figma credentials: a personal access token, and the API's base URL. */
export const figmaCredentials = z.object({
  token: z.string().min(1),
  baseUrl: z.url().default('https://api.figma.com'),
});
export type FigmaCredentials = z.output<typeof figmaCredentials>;

/** What every Figma operation gets: the shared transport, and where and how to call. */
export interface FigmaClient {
  fetch: typeof fetch;
  baseUrl: string;
  token: string;
}

export function connectFigma(credentials: FigmaCredentials, transport: typeof fetch): FigmaClient {
  return { fetch: transport, baseUrl: credentials.baseUrl.replace(/\/+$/, ''), token: credentials.token };
}

/**
 * Figma answers a token it does not accept (unknown, revoked, expired) with 403 and
 * `{"status":403,"err":"Invalid token"}`, not 401, and a file the token may not open with 403 as
 * well. The error text tells them apart: the first is `auth` (fix the credentials), the second
 * `permission` (share the file).
 */
export function figmaError(error: unknown): unknown {
  if (
    error instanceof ToolError &&
    error.details.status === 403 &&
    /invalid token|token expired|expired token/i.test(error.message)
  ) {
    return new ToolError('auth', error.message, { ...error.details, tool: 'figma' });
  }
  if (error instanceof ToolError)
    return new ToolError(error.category, error.message, { ...error.details, tool: 'figma' });
  return error;
}

/** One call of Figma's REST API with the token header; failures become ToolErrors. */
export async function figma<T>(
  client: FigmaClient,
  method: string,
  path: string,
  options: {
    query?: Record<string, string | number | boolean | undefined>;
    body?: unknown;
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  const url = new URL(client.baseUrl + path);
  for (const [name, value] of Object.entries(options.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  try {
    return await requestJson<T>(client.fetch, {
      method,
      url: url.toString(),
      headers: { 'X-Figma-Token': client.token },
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  } catch (error) {
    throw figmaError(error);
  }
}

/** A file key, or a Figma file URL it is taken from (figma.com/file/KEY/... or /design/KEY/...). */
export const fileKey = z
  .string()
  .trim()
  .transform((value) => /figma\.com\/(?:file|design|proto|board)\/([A-Za-z0-9]+)/.exec(value)?.[1] ?? value)
  .pipe(z.string().regex(/^[A-Za-z0-9]{8,128}$/, 'must be a Figma file key or file URL'));

/** A node id (1:2, or an instance's I1:2;3:4); the 1-2 form of Figma URLs is accepted too. */
export const nodeId = z
  .string()
  .trim()
  .transform((value) => (/^\d+-\d+$/.test(value) ? value.replace('-', ':') : value))
  .pipe(z.string().regex(/^I?\d+:\d+(;\d+:\d+)*$/, 'must be a Figma node id (1:2)'));

export const nodeIds = z.array(nodeId).min(1).max(50);
