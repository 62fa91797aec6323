import { ToolError, categoryOfStatus, parseRetryAfter } from './errors.js';

export interface TransportOptions {
  timeoutMs?: number;
  /** Extra attempts for idempotent requests (GET, HEAD, PUT, DELETE, OPTIONS) on 502/503/504 and network errors. */
  retries?: number;
  /** Longest Retry-After the transport waits itself; longer ones are left to Temporal's retry. */
  maxRetryAfterMs?: number;
}

const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const retryStatuses = new Set([502, 503, 504]);
const sleep = (ms: number, signal?: AbortSignal | null) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * The one HTTP transport every adapter shares, as a `fetch` that vendor SDKs accept (octokit,
 * Notion) and plain-HTTP adapters call: a timeout per attempt, and retries of idempotent
 * requests that honour Retry-After. 429s are returned at once: invokeTool turns them into a
 * pause that every worker sees. Writes are never retried here; the ledger makes their retry safe.
 */
export function createTransport(options: TransportOptions = {}): typeof fetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 5_000;
  return async (input, init) => {
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const attempts = idempotentMethods.has(method) ? retries + 1 : 1;
    for (let attempt = 1; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
      try {
        const response = await fetch(input, { ...init, signal });
        if (attempt < attempts && retryStatuses.has(response.status)) {
          const wait = parseRetryAfter(response.headers.get('retry-after')) ?? 200 * 2 ** attempt;
          if (wait <= maxRetryAfterMs) {
            await response.body?.cancel();
            await sleep(wait, init?.signal);
            continue;
          }
        }
        return response;
      } catch (error) {
        if (init?.signal?.aborted || attempt >= attempts) throw error;
        await sleep(200 * 2 ** attempt, init?.signal);
      }
    }
  };
}

/** A JSON request over the transport for adapters without a vendor SDK; non-2xx becomes a ToolError. */
export async function requestJson<T>(
  transport: typeof fetch,
  request: {
    method: string;
    url: string;
    headers?: Record<string, string>;
    body?: unknown;
    signal?: AbortSignal;
  },
): Promise<T> {
  const response = await transport(request.url, {
    method: request.method,
    headers: {
      Accept: 'application/json',
      ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...request.headers,
    },
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
    ...(request.signal ? { signal: request.signal } : {}),
  });
  const text = await response.text();
  if (!response.ok) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    throw new ToolError(
      categoryOfStatus(response.status),
      `${request.method} ${new URL(request.url).pathname} answered ${response.status}: ${text.slice(0, 500)}`,
      {
        status: response.status,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    );
  }
  return (text ? JSON.parse(text) : undefined) as T;
}
