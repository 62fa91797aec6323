import type { Client } from '@notionhq/client';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { ErrorCategory } from '../core/errors.js';
import { notionSdk } from './sdk.js';

type NotionSdk = NonNullable<ReturnType<typeof notionSdk.loaded>>;

/** What a Notion connection needs: a token, and another API origin for tests or proxies. */
export const notionCredentials = z.object({
  /** An internal integration secret (ntn_… or secret_…) or an OAuth access token. */
  token: z.string().min(1),
  /** Another API origin, e.g. the contract server in tests: `http://host:port`. */
  baseUrl: z.url().optional(),
});
export type NotionCredentials = z.output<typeof notionCredentials>;

/**
 * The official client over the shared transport, at the API version it was built for
 * (2025-09-03: databases hold data sources, rows live in data sources). Its own retries are off:
 * the transport retries idempotent requests on 502-504, and Temporal retries the activity with
 * the Retry-After of a 429 after every worker has paused.
 */
export async function connectNotion(
  credentials: NotionCredentials,
  transport: { fetch: typeof fetch; logger: Logger },
): Promise<Client> {
  const { Client, LogLevel } = await notionSdk();
  const { logger } = transport;
  return new Client({
    auth: credentials.token,
    ...(credentials.baseUrl ? { baseUrl: credentials.baseUrl.replace(/\/+$/, '') } : {}),
    fetch: transport.fetch,
    retry: false,
    timeoutMs: 60_000,
    logLevel: LogLevel.WARN,
    logger: (level, message, extra) => {
      const entry = { notion: extra };
      if (level === LogLevel.ERROR) logger.error(entry, `notion client: ${message}`);
      else if (level === LogLevel.WARN) logger.warn(entry, `notion client: ${message}`);
      else logger.debug(entry, `notion client: ${message}`);
    },
  });
}

const errorCategories = ({
  APIErrorCode,
  ClientErrorCode,
}: NotionSdk): Partial<Record<string, ErrorCategory>> => ({
  [APIErrorCode.Unauthorized]: 'auth',
  [APIErrorCode.RestrictedResource]: 'permission',
  [APIErrorCode.ObjectNotFound]: 'not_found',
  [APIErrorCode.ConflictError]: 'conflict',
  [APIErrorCode.RateLimited]: 'rate_limited',
  [APIErrorCode.ValidationError]: 'invalid_input',
  [APIErrorCode.InvalidJSON]: 'invalid_input',
  [APIErrorCode.InvalidRequest]: 'invalid_input',
  [APIErrorCode.InvalidRequestURL]: 'invalid_input',
  [APIErrorCode.InvalidBeta]: 'invalid_input',
  [APIErrorCode.InternalServerError]: 'transient',
  [APIErrorCode.ServiceOverload]: 'transient',
  [APIErrorCode.ServiceUnavailable]: 'transient',
  [APIErrorCode.GatewayTimeout]: 'transient',
  [ClientErrorCode.RequestTimeout]: 'transient',
  [ClientErrorCode.InvalidPathParameter]: 'invalid_input',
});
/** errorCategories of the loaded SDK, made on the first classification. */
let apiErrors: Partial<Record<string, ErrorCategory>> | undefined;

/**
 * The adapter's classifyError hook. The runtime already reads the HTTP status and Retry-After of
 * the client's errors; Notion's code agrees with the status where there is one, and is all there
 * is for the client's own errors (a timeout is transient, a malformed id the caller's mistake).
 */
export function classifyNotionError(error: unknown): ErrorCategory | undefined {
  // Loaded by connect, before any call could fail (see core/lazy.ts).
  const sdk = notionSdk.loaded();
  if (!sdk?.isNotionClientError(error)) return undefined;
  apiErrors ??= errorCategories(sdk);
  return apiErrors[error.code];
}

/**
 * A Notion id in any form people paste: a dashed UUID, 32 hex digits, or a page URL ending in
 * them (`https://www.notion.so/Release-notes-598337872cf94fdf8782e53db20768a5?pvs=4`). Always
 * handed on dashed, the form Notion answers with.
 */
export const notionId = z.string().transform((value, context) => {
  const hex = /([0-9a-f]{32})$/i.exec(value.split(/[?#]/)[0]?.replace(/-/g, '') ?? '')?.[1]?.toLowerCase();
  if (!hex) {
    context.addIssue({
      code: 'custom',
      message: 'must be a Notion id (32 hex digits, dashed or not) or a Notion URL',
    });
    return z.NEVER;
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
});
