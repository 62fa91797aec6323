import type { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { linearError } from './errors.js';
import { linearSdk } from './sdk.js';

/** Linear credentials: a personal API key (or an app's key), and the GraphQL endpoint. */
export const linearCredentials = z.object({
  apiKey: z.string().min(1),
  /** HTTPS, or http on localhost only (the SDK refuses anything else). */
  apiUrl: z.url().default('https://api.linear.app/graphql'),
});
export type LinearCredentials = z.output<typeof linearCredentials>;

/**
 * The official SDK's client. Operations send their own small documents through its GraphQL client
 * (`client.client.rawRequest`) instead of the generated model methods: those select every field
 * of every entity and load each relation with one more request, while Linear meters calls by
 * query complexity. The SDK still supplies authentication, the endpoint rules and typed errors.
 *
 * The SDK calls the global fetch and takes no fetch of ours, so Linear calls do not go through the
 * shared transport; Temporal's activity timeout bounds them, and writes are never retried blindly.
 */
export async function connectLinear(credentials: LinearCredentials): Promise<LinearClient> {
  const { LinearClient } = await linearSdk();
  return new LinearClient({ apiKey: credentials.apiKey, apiUrl: credentials.apiUrl });
}

/** Runs one GraphQL document and returns its data; any failure is a ToolError. */
export async function gql<T>(
  client: LinearClient,
  document: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  try {
    const response = await client.client.rawRequest<T, Record<string, unknown>>(document, variables);
    if (response.data === undefined) throw new Error('Linear answered without data');
    return response.data;
  } catch (error) {
    throw linearError(error);
  }
}

/** Nodes of a connection page, and where the next page starts. */
export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * Every node of a paginated connection, page after page, up to `limit`. `select` picks the
 * connection out of each page's data; `onPage` reports progress (heartbeats).
 */
export async function collectPages<T, D>(
  client: LinearClient,
  document: string,
  variables: Record<string, unknown>,
  select: (data: D) => Page<T>,
  options: { limit?: number; onPage?(count: number): void } = {},
): Promise<{ nodes: T[]; complete: boolean }> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page = select(await gql<D>(client, document, { ...variables, after }));
    nodes.push(...page.nodes);
    options.onPage?.(nodes.length);
    if (nodes.length >= limit)
      return { nodes: nodes.slice(0, limit), complete: !page.pageInfo.hasNextPage && nodes.length === limit };
    if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) return { nodes, complete: true };
    after = page.pageInfo.endCursor;
  }
}
