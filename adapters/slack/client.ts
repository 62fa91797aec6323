import type { Logger as SlackLogger, LogLevel as SlackLogLevel, WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import { ToolError, categoryOfStatus, parseRetryAfter, type ErrorCategory } from '../core/errors.js';
import { slackSdk } from './sdk.js';

/** What a Slack connection needs: a token, and another API root for tests or proxies. */
export const slackCredentials = z.object({
  /** A bot token (xoxb-…) or user token (xoxp-…). */
  token: z.string().min(1),
  /** Another Web API root, e.g. the contract server in tests: `http://host:port/api/`. */
  baseUrl: z.url().optional(),
});
export type SlackCredentials = z.output<typeof slackCredentials>;

/**
 * The official WebClient over the shared transport. Its own retries are off (Temporal retries
 * the activity and sees the whole picture) and a 429 is rejected at once, so the runtime can turn
 * its Retry-After into a pause every worker honours instead of one client sleeping on it.
 */
export async function connectSlack(
  credentials: SlackCredentials,
  transport: { fetch: typeof fetch; logger: Logger },
): Promise<WebClient> {
  const { LogLevel, WebClient } = await slackSdk();
  return new WebClient(credentials.token, {
    ...(credentials.baseUrl ? { slackApiUrl: credentials.baseUrl.replace(/\/*$/, '/') } : {}),
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    fetch: transport.fetch,
    logger: bridgeLogger(transport.logger, LogLevel.INFO),
  });
}

// The WebClient logs request bodies at debug level (tokens redacted, message text not): left out.
function bridgeLogger(logger: Logger, initialLevel: SlackLogLevel): SlackLogger {
  let level = initialLevel;
  const text = (parts: unknown[]) => parts.map(String).join(' ');
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => logger.debug({ slack: text(parts) }, 'slack web client'),
    warn: (...parts: unknown[]) => logger.warn({ slack: text(parts) }, 'slack web client'),
    error: (...parts: unknown[]) => logger.error({ slack: text(parts) }, 'slack web client'),
    setLevel: (next) => (level = next),
    getLevel: () => level,
    setName: () => undefined,
  };
}

// Slack answers almost every error with HTTP 200 and `{ok: false, error}`; the code says what it is.
const platformErrors: Record<string, ErrorCategory> = {
  not_authed: 'auth',
  invalid_auth: 'auth',
  account_inactive: 'auth',
  token_revoked: 'auth',
  token_expired: 'auth',
  missing_scope: 'permission',
  no_permission: 'permission',
  not_allowed_token_type: 'permission',
  restricted_action: 'permission',
  not_in_channel: 'permission',
  cant_invite: 'permission',
  user_is_bot: 'permission',
  user_is_restricted: 'permission',
  user_is_ultra_restricted: 'permission',
  ekm_access_denied: 'permission',
  channel_not_found: 'not_found',
  user_not_found: 'not_found',
  message_not_found: 'not_found',
  file_not_found: 'not_found',
  file_deleted: 'not_found',
  thread_not_found: 'not_found',
  name_taken: 'conflict',
  already_in_channel: 'conflict',
  already_archived: 'conflict',
  is_archived: 'conflict',
  cant_archive_general: 'conflict',
  cant_update_message: 'conflict',
  cant_delete_message: 'conflict',
  edit_window_closed: 'conflict',
  ratelimited: 'rate_limited',
  rate_limited: 'rate_limited',
  internal_error: 'transient',
  fatal_error: 'transient',
  service_unavailable: 'transient',
  request_timeout: 'transient',
  team_added_to_org: 'transient',
};

/** The Slack error code of a platform error (`{ok: false, error}`), if it is one. */
export function platformErrorCode(error: unknown): string | undefined {
  // Loaded by connect, before any call could fail (see core/lazy.ts).
  const ErrorCode = slackSdk.loaded()?.ErrorCode;
  const e = error as { code?: unknown; data?: { error?: unknown } };
  return ErrorCode && e?.code === ErrorCode.PlatformError && typeof e.data?.error === 'string'
    ? e.data.error
    : undefined;
}

/**
 * A WebClient error as a ToolError. A platform error code Slack did not document as transient
 * means Slack understood the call and refused it, so unknown codes are `invalid_input`, not retried.
 */
export function slackToolError(error: unknown): ToolError | undefined {
  // Loaded by connect, before any call could fail (see core/lazy.ts).
  const ErrorCode = slackSdk.loaded()?.ErrorCode;
  if (!ErrorCode) return undefined;
  const e = error as {
    code?: unknown;
    retryAfter?: number;
    statusCode?: number;
    headers?: Record<string, string>;
    data?: { error?: string; needed?: string };
    message?: string;
  };
  switch (e?.code) {
    case ErrorCode.RateLimitedError: {
      const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : 1;
      return new ToolError('rate_limited', `Slack rate limit: retry after ${seconds} s`, {
        status: 429,
        retryAfterMs: seconds * 1000,
      });
    }
    case ErrorCode.PlatformError: {
      const code = e.data?.error ?? 'unknown_error';
      const needed = e.data?.needed ? ` (needs scope ${e.data.needed})` : '';
      return new ToolError(platformErrors[code] ?? 'invalid_input', `Slack answered ${code}${needed}`);
    }
    case ErrorCode.HTTPError: {
      const status = e.statusCode ?? 500;
      const retryAfterMs = parseRetryAfter(e.headers?.['retry-after']);
      return new ToolError(categoryOfStatus(status), `Slack answered HTTP ${status}`, {
        status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    }
    case ErrorCode.RequestError:
      return new ToolError('transient', e.message ?? 'Slack could not be reached');
    case ErrorCode.FileUploadInvalidArgumentsError:
    case ErrorCode.FileUploadReadFileDataError:
      return new ToolError('invalid_input', e.message ?? 'invalid file upload');
    default:
      return undefined;
  }
}

/** The adapter's classifyError hook: the category of whatever the WebClient threw. */
export function classifySlackError(error: unknown): ErrorCategory | undefined {
  return slackToolError(error)?.category;
}

/**
 * Awaits a WebClient call and rethrows its failure as a ToolError. classifyError alone cannot do
 * this: it returns a category, and a 429 also needs its Retry-After carried to the runtime.
 */
export async function slackCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw slackToolError(error) ?? error;
  }
}
