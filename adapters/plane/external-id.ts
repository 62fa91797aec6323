import { createHash } from 'node:crypto';
import { ToolError } from '../core/errors.js';
import type { PlaneClient } from './client.js';

/**
 * Plane's own idempotency: work items, states, labels and cycles take `external_source` and
 * `external_id`, and Plane answers 409 with the existing id when the pair is used again in a
 * project. SomaGent puts a hash of the idempotency key there.
 */
export const EXTERNAL_SOURCE = 'somagent';

/** The external id for an idempotency key (Plane allows 255 characters). */
export function externalId(idempotencyKey: string): string {
  return createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
}

/** The fields a create request carries for an idempotency key. */
export function externalFields(idempotencyKey: string | undefined) {
  return idempotencyKey ? { external_source: EXTERNAL_SOURCE, external_id: externalId(idempotencyKey) } : {};
}

/** The id a Plane 409 names (`{"error": ..., "id": "<uuid>"}`); undefined for any other error. */
export function existingIdOf(error: unknown): string | undefined {
  if (!(error instanceof ToolError) || error.category !== 'conflict') return undefined;
  return /"id"\s*:\s*"([0-9a-f-]{36})"/i.exec(error.message)?.[1];
}

/** The external pair as Plane answers it on work items, states, labels and cycles. */
export interface ExternalPair {
  external_id?: string | null;
  external_source?: string | null;
}

/** The item an earlier attempt created under this key, among listed items. */
export function findByExternalId<T extends ExternalPair>(items: T[], idempotencyKey: string): T | undefined {
  const wanted = externalId(idempotencyKey);
  return items.find((item) => item.external_source === EXTERNAL_SOURCE && item.external_id === wanted);
}

/**
 * POSTs to a project collection (`/projects/{id}/states/`) with the external pair of the key; a
 * 409 for that pair answers with what the earlier attempt created, read back by its id.
 */
export async function createOnce<T>(
  client: PlaneClient,
  collection: string,
  body: Record<string, unknown>,
  context: { idempotencyKey?: string; signal: AbortSignal },
): Promise<T> {
  const { idempotencyKey, signal } = context;
  try {
    return await client.request<T>('POST', collection, {
      body: { ...body, ...externalFields(idempotencyKey) },
      signal,
    });
  } catch (error) {
    const existing = idempotencyKey ? existingIdOf(error) : undefined;
    if (!existing || !idempotencyKey) throw error;
    // A 409 for a taken name carries an id too; only our own external pair makes it ours.
    const found = await client.request<T & ExternalPair>('GET', `${collection}${existing}/`, { signal });
    if (!findByExternalId([found], idempotencyKey)) throw error;
    return found;
  }
}

/** What an interrupted create left in a project collection, found by its external pair. */
export async function recoverFromList<T extends ExternalPair>(
  client: PlaneClient,
  collection: string,
  context: { idempotencyKey?: string; signal: AbortSignal },
): Promise<T | undefined> {
  if (!context.idempotencyKey) return undefined;
  const { items } = await client.listAll<T>(collection, { signal: context.signal });
  return findByExternalId(items, context.idempotencyKey);
}
