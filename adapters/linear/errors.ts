import type { LinearError } from '@linear/sdk';
import { ToolError, categoryOfStatus, toToolError, type ErrorCategory } from '../core/errors.js';
import { linearSdk } from './sdk.js';

type LinearSdk = NonNullable<ReturnType<typeof linearSdk.loaded>>;

/** The `extensions.code` of each raw GraphQL error (AUTHENTICATION_ERROR, FORBIDDEN, RATELIMITED, INPUT_ERROR). */
function codesOf(error: LinearError): string[] {
  const raw = error.raw?.response?.errors ?? [];
  return raw
    .map((entry) => (entry.extensions as { code?: unknown } | undefined)?.code)
    .filter((code): code is string => typeof code === 'string');
}

/**
 * Linear answers most failures with HTTP 400 and says what happened in the GraphQL error: its
 * `extensions.code`, the SDK's error type (from `extensions.type`) and, for a missing entity,
 * the message "Entity not found: Issue". The HTTP status is the last resort.
 */
function categoryOf(error: LinearError, { LinearErrorType }: LinearSdk): ErrorCategory {
  const codes = codesOf(error);
  if (codes.includes('RATELIMITED') || error.type === LinearErrorType.Ratelimited || error.status === 429) {
    return 'rate_limited';
  }
  if (codes.includes('AUTHENTICATION_ERROR') || error.type === LinearErrorType.AuthenticationError)
    return 'auth';
  if (codes.includes('FORBIDDEN') || error.type === LinearErrorType.Forbidden) return 'permission';
  if (
    error.type === LinearErrorType.FeatureNotAccessible ||
    error.type === LinearErrorType.UsageLimitExceeded
  ) {
    // A plan limit or a feature the workspace lacks: retrying cannot help, an admin can.
    return 'permission';
  }
  if (/Entity not found|Could not find referenced/i.test(error.message)) return 'not_found';
  switch (error.type) {
    case LinearErrorType.InvalidInput:
    case LinearErrorType.UserError:
    case LinearErrorType.GraphqlError:
      return 'invalid_input';
    case LinearErrorType.NetworkError:
    case LinearErrorType.InternalError:
    case LinearErrorType.LockTimeout:
    case LinearErrorType.BootstrapError:
      return 'transient';
    default:
      return error.status !== undefined && error.status >= 400 ? categoryOfStatus(error.status) : 'transient';
  }
}

/** Milliseconds until Linear takes calls again: Retry-After, else the earliest reset it announced. */
function retryAfterMs(
  error: LinearError,
  { RatelimitedLinearError }: LinearSdk,
  now = Date.now(),
): number | undefined {
  if (!(error instanceof RatelimitedLinearError)) return undefined;
  if (error.retryAfter !== undefined) return Math.max(0, error.retryAfter * 1000);
  // The X-RateLimit-*-Reset headers are UTC epoch milliseconds.
  const resets = [error.requestsResetAt, error.complexityResetAt].filter(
    (at): at is number => at !== undefined,
  );
  return resets.length > 0 ? Math.max(0, Math.min(...resets) - now) : undefined;
}

/** Whatever a Linear call threw, as a ToolError; its message is the SDK's, which never holds the key. */
export function linearError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  // Loaded by connect, before any call could fail (see core/lazy.ts).
  const sdk = linearSdk.loaded();
  if (!sdk || !(error instanceof sdk.LinearError)) return toToolError(error, { tool: 'linear' });
  const wait = retryAfterMs(error, sdk);
  return new ToolError(categoryOf(error, sdk), `Linear: ${error.message}`, {
    tool: 'linear',
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  });
}
