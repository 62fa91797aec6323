/**
 * What went wrong in a tool call, in the terms that decide what to do next: retry (transient,
 * rate_limited), fix the input or credentials (the others), never retry blindly.
 */
export const errorCategories = [
  'auth',
  'permission',
  'not_found',
  'conflict',
  'invalid_input',
  'rate_limited',
  'transient',
] as const;
export type ErrorCategory = (typeof errorCategories)[number];

/** The one error type adapters throw; the activity boundary maps it to an ApplicationFailure. */
export class ToolError extends Error {
  constructor(
    readonly category: ErrorCategory,
    message: string,
    readonly details: { tool?: string; operation?: string; status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ToolError';
  }

  /** Retrying the same call can succeed. */
  get retryable(): boolean {
    return this.category === 'transient' || this.category === 'rate_limited';
  }
}

/** Category of an HTTP status, as vendors use them. */
export function categoryOfStatus(status: number): ErrorCategory {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404 || status === 410) return 'not_found';
  if (status === 409 || status === 412) return 'conflict';
  if (status === 429) return 'rate_limited';
  if (status === 408 || status >= 500) return 'transient';
  return 'invalid_input';
}

/** Retry-After (seconds or an HTTP date) in milliseconds, when present and sane. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function headerValue(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, unknown>;
  const value = record[name] ?? record[name.toLowerCase()];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

/**
 * Turns whatever a vendor SDK threw into a ToolError: HTTP status wherever the SDK keeps it
 * (octokit `status`, axios `response.status`, AWS `$metadata.httpStatusCode`, Kubernetes `code`),
 * network failures as transient. Unknown errors are transient: one more try is cheap.
 */
export function toToolError(error: unknown, context: { tool?: string; operation?: string } = {}): ToolError {
  if (error instanceof ToolError) return error;
  const e = error as Record<string, unknown> & { message?: string; cause?: unknown };
  const response = (e?.response ?? undefined) as Record<string, unknown> | undefined;
  const metadata = e?.$metadata as { httpStatusCode?: number } | undefined;
  const statusCandidates = [
    e?.status,
    e?.statusCode,
    response?.status,
    response?.statusCode,
    metadata?.httpStatusCode,
    e?.code,
  ];
  const status = statusCandidates.find(
    (value): value is number => typeof value === 'number' && value >= 400 && value < 600,
  );
  const message = typeof e?.message === 'string' && e.message ? e.message : String(error);
  if (status !== undefined) {
    const retryAfterMs = parseRetryAfter(headerValue(response?.headers ?? e?.headers, 'retry-after'));
    return new ToolError(categoryOfStatus(status), message, {
      ...context,
      status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  // Network failures, timeouts and anything unrecognised: one more try is cheap and often works.
  return new ToolError('transient', message, context);
}
