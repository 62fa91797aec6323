import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import { requestJson } from '../core/http.js';

/** Plane credentials: the API host (Plane Cloud or a self-hosted instance), a workspace API key and slug. */
export const planeCredentials = z.object({
  /** https://api.plane.so for Plane Cloud; a self-hosted instance's own address. `/api/v1` is added. */
  baseUrl: z.url().default('https://api.plane.so'),
  apiKey: z.string().min(1),
  workspaceSlug: z.string().regex(/^[a-z0-9_-]+$/i, 'must be a workspace slug (the name in its URLs)'),
});
export type PlaneCredentials = z.output<typeof planeCredentials>;

/** One page of a Plane list, as its cursor paginator answers (`plane/utils/paginator.py`). */
interface PlanePage<T> {
  results: T[];
  next_cursor?: string;
  next_page_results?: boolean;
}

/** Plane's largest page; larger `per_page` values are cut to it by the server anyway. */
export const PLANE_MAX_PAGE = 100;

/**
 * Plain HTTP over the shared transport. Plane's official @makeplane/plane-node-sdk (0.2.x) sends
 * every request through axios's global default instance, with no way to hand it a fetch or an
 * instance, so its calls would miss the shared timeouts, retries and rate-limit handling.
 */
export class PlaneClient {
  private readonly apiBase: string;
  private readonly headers: Record<string, string>;

  constructor(
    credentials: PlaneCredentials,
    private readonly transport: typeof fetch,
  ) {
    const root = credentials.baseUrl.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
    this.apiBase = `${root}/api/v1/workspaces/${encodeURIComponent(credentials.workspaceSlug)}`;
    this.headers = { 'X-API-Key': credentials.apiKey };
  }

  /** A request under the workspace: `path` starts after `/workspaces/{slug}` and ends in '/', as Plane's routes do. */
  request<T>(
    method: string,
    path: string,
    options: {
      body?: unknown;
      query?: Record<string, string | number | undefined>;
      signal?: AbortSignal;
    } = {},
  ): Promise<T> {
    const url = new URL(`${this.apiBase}${path}`);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    return requestJson<T>(this.transport, {
      method,
      url: url.toString(),
      headers: this.headers,
      ...(options.body === undefined ? {} : { body: options.body }),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * Every item of a list, following `next_cursor` while `next_page_results` says there is more.
   * Plane always sends a next cursor, even past the end; the flag is what tells.
   */
  async listAll<T>(
    path: string,
    options: { perPage?: number; maxItems?: number; signal?: AbortSignal; onPage?(count: number): void } = {},
  ): Promise<{ items: T[]; truncated: boolean }> {
    const perPage = Math.min(options.perPage ?? PLANE_MAX_PAGE, PLANE_MAX_PAGE);
    const maxItems = options.maxItems ?? Number.POSITIVE_INFINITY;
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.request<PlanePage<T>>('GET', path, {
        query: { per_page: perPage, cursor },
        ...(options.signal ? { signal: options.signal } : {}),
      });
      if (!Array.isArray(page?.results)) {
        throw new ToolError('transient', `Plane answered GET ${path} without a results page`);
      }
      items.push(...page.results.slice(0, maxItems - items.length));
      options.onPage?.(items.length);
      if (!page.next_page_results || !page.next_cursor) return { items, truncated: false };
      if (items.length >= maxItems) return { items, truncated: true };
      if (seen.has(page.next_cursor))
        throw new ToolError('transient', `Plane repeated the cursor ${page.next_cursor}`);
      seen.add(page.next_cursor);
      cursor = page.next_cursor;
    }
  }
}
