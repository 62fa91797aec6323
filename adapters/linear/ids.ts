import { createHash } from 'node:crypto';
import { z } from 'zod';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID (Linear's entity ids); false for keys, names and identifiers like ENG-123. */
export const isUuid = (value: string) => uuidPattern.test(value);

/** A Linear entity id. */
export const linearId = z.string().regex(uuidPattern, 'must be a Linear id (UUID)');

/** An issue's UUID or its identifier (ENG-123); Linear takes either wherever an issue id goes. */
export const issueRef = z
  .string()
  .regex(
    /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z][A-Za-z0-9_]*-\d+)$/i,
    'must be an issue id (UUID) or identifier (ENG-123)',
  );

/**
 * The id SomaGent gives an entity it creates under an idempotency key. Linear lets a client
 * choose the UUID v4 of a new issue, project or comment; deriving it from the key means a retry
 * after a crash can look the entity up by id instead of searching for it, and a second create
 * with the same id is refused instead of making a duplicate.
 */
export function idFor(
  kind: 'issue' | 'project' | 'comment',
  tenantId: string,
  idempotencyKey: string,
): string {
  const hex = createHash('sha256')
    .update(`somagent:linear:${kind}:${tenantId}:${idempotencyKey}`)
    .digest('hex');
  // Version 4 and the RFC 4122 variant, so Linear's UUID v4 check accepts it.
  const variant = ((parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
