import { z } from 'zod';
import { ToolError, categoryOfStatus, parseRetryAfter } from '../core/errors.js';

export const discordCredentials = z.object({
  /** The bot token from the Developer Portal (sent as `Authorization: Bot <token>`). */
  token: z.string().min(1),
  /** Another API root, e.g. the contract server in tests; Discord's own by default. */
  baseUrl: z.url().default('https://discord.com/api/v10'),
});
export type DiscordCredentials = z.output<typeof discordCredentials>;

/** One Discord REST call: path under the API root, optional JSON body and query. */
export interface DiscordRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** False for webhook executions: the webhook token in the path is the credential. */
  bot?: boolean;
  /** Secret parts of the path (webhook tokens) kept out of error messages. */
  redact?: string[];
}

/** Plain HTTP over the shared transport; Discord has no SDK worth its weight for REST. */
export interface DiscordClient {
  request<T>(request: DiscordRequest): Promise<T>;
}

// Discord asks bots to identify themselves this way (docs: "User Agent").
const userAgent = 'DiscordBot (https://github.com/somagent/somagent, 0.1.0)';

export function connectDiscord(credentials: DiscordCredentials, transport: typeof fetch): DiscordClient {
  const root = credentials.baseUrl.replace(/\/+$/, '');
  return {
    async request<T>(request: DiscordRequest): Promise<T> {
      const url = new URL(root + request.path);
      for (const [name, value] of Object.entries(request.query ?? {})) {
        if (value !== undefined) url.searchParams.set(name, String(value));
      }
      const response = await transport(url, {
        method: request.method,
        headers: {
          Accept: 'application/json',
          'User-Agent': userAgent,
          ...(request.bot === false ? {} : { Authorization: `Bot ${credentials.token}` }),
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      });
      const text = await response.text();
      if (!response.ok) throw discordError(request, response, text);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}

/**
 * Discord's error body is `{code, message}`; a 429 adds `retry_after` in seconds with
 * millisecond precision, which is finer than the whole seconds of the Retry-After header.
 */
function discordError(request: DiscordRequest, response: Response, text: string): ToolError {
  let body: { code?: number; message?: string; retry_after?: number; global?: boolean } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON (a proxy's HTML page): the status alone decides
  }
  const fromBody = typeof body.retry_after === 'number' ? Math.ceil(body.retry_after * 1000) : undefined;
  const retryAfterMs = fromBody ?? parseRetryAfter(response.headers.get('retry-after'));
  const path = (request.redact ?? []).reduce((p, secret) => p.split(secret).join('[redacted]'), request.path);
  const detail = body.message
    ? `${body.message}${body.code ? ` (code ${body.code})` : ''}`
    : text.slice(0, 300);
  return new ToolError(
    categoryOfStatus(response.status),
    `Discord ${request.method} ${path} answered ${response.status}: ${detail}`,
    { status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
  );
}

/** True for a not_found ToolError: a destroy of something already gone has nothing left to do. */
export function isGone(error: unknown): boolean {
  return error instanceof ToolError && error.category === 'not_found';
}
