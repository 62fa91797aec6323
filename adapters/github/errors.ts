import { ToolError, categoryOfStatus, parseRetryAfter, toToolError } from '../core/errors.js';

/** The parts of an octokit RequestError this mapping reads. */
interface GithubRequestError {
  status: number;
  message: string;
  request?: { method?: string; url?: string };
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isRequestError(error: unknown): error is GithubRequestError {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600;
}

const header = (error: GithubRequestError, name: string) => {
  const value = error.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
};

/** GitHub's validation errors: `{ message, errors: [{ resource, field, code, message }] }`. */
function validationTexts(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  const { message, errors } = data as { message?: unknown; errors?: unknown };
  const texts = typeof message === 'string' ? [message] : [];
  for (const item of Array.isArray(errors) ? errors : []) {
    if (typeof item === 'string') texts.push(item);
    else if (item && typeof item === 'object') {
      const { code, message: text } = item as { code?: unknown; message?: unknown };
      if (typeof code === 'string') texts.push(`code:${code}`);
      if (typeof text === 'string') texts.push(text);
    }
  }
  return texts;
}

/** GitHub says "exists" in several ways: `already_exists` codes, and messages on repos, refs, hooks and pulls. */
const alreadyExists = (texts: string[]) =>
  texts.some((text) => text === 'code:already_exists' || /already exists/i.test(text));

/**
 * Milliseconds until the primary rate limit resets (`x-ratelimit-reset`, epoch seconds), or the
 * secondary limit's Retry-After; GitHub asks for at least a minute when it gives neither.
 */
function rateLimitWait(error: GithubRequestError): number | undefined {
  const retryAfter = parseRetryAfter(header(error, 'retry-after'));
  if (retryAfter !== undefined) return retryAfter;
  if (header(error, 'x-ratelimit-remaining') === '0') {
    const reset = Number(header(error, 'x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(1000, reset * 1000 - Date.now()) : 60_000;
  }
  return undefined;
}

/**
 * An octokit failure as a ToolError: 401 auth; 403 and 429 with an exhausted or secondary rate
 * limit rate_limited (with the reset time); other 403 permission; 404/410 not_found; 409 and
 * "already exists" 422s conflict; other 422 invalid_input; network failures transient.
 */
export function githubToolError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  if (!isRequestError(error)) return toToolError(error);
  const { status } = error;
  const texts = validationTexts(error.response?.data);
  const where = error.request?.url
    ? `${error.request.method ?? ''} ${new URL(error.request.url).pathname}: `
    : '';
  const message = `${where}${status} ${error.message}`;
  const details = (retryAfterMs?: number) => ({
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

  if (status === 403 || status === 429) {
    const wait = rateLimitWait(error);
    const secondary = texts.some((text) => /secondary rate limit|abuse/i.test(text));
    if (status === 429 || wait !== undefined || secondary) {
      return new ToolError('rate_limited', message, details(wait ?? 60_000));
    }
    return new ToolError('permission', message, details());
  }
  if (status === 422)
    return new ToolError(alreadyExists(texts) ? 'conflict' : 'invalid_input', message, details());
  return new ToolError(
    categoryOfStatus(status),
    message,
    details(parseRetryAfter(header(error, 'retry-after'))),
  );
}
