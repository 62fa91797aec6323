import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '../core/db/pool.js';
import type { Principal, Role } from './principal.js';

const PREFIX = 'sg_';

/** API keys are 256 random bits, so one SHA-256 is enough to store them safely (no need for a slow KDF). */
export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export function generateKey(): string {
  return `${PREFIX}${randomBytes(32).toString('base64url')}`;
}

export interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  tenantId: string;
  role: Role;
  name: string;
}

/** Stores the hash of `key` (a new random one when omitted); the plain key is returned once, here. */
export async function createApiKey(
  pool: Pool,
  input: { tenantId: string; role: Role; name: string; key?: string },
): Promise<CreatedKey> {
  const key = input.key ?? generateKey();
  const id = randomUUID();
  const prefix = key.slice(0, 10);
  await pool.query(
    'insert into api_keys (id, tenant_id, name, role, key_hash, key_prefix) values ($1, $2, $3, $4, $5, $6)',
    [id, input.tenantId, input.name, input.role, hashKey(key), prefix],
  );
  return { id, key, prefix, tenantId: input.tenantId, role: input.role, name: input.name };
}

/** The key's tenant and role; last_used_at is refreshed at most once a minute, not on every call. */
export async function findPrincipalByKey(pool: Pool, key: string): Promise<Principal | undefined> {
  const result = await pool.query<{ id: string; tenant_id: string; role: Role }>(
    `with found as (
       select id, tenant_id, role, last_used_at from api_keys where key_hash = $1 and revoked_at is null
     ), touched as (
       update api_keys set last_used_at = now()
        where id in (select id from found where last_used_at is null or last_used_at < now() - interval '1 minute')
     )
     select id, tenant_id, role from found`,
    [hashKey(key)],
  );
  const row = result.rows[0];
  return row && { tenantId: row.tenant_id, role: row.role, subject: row.id, via: 'api-key' };
}

export async function hasAdminKey(pool: Pool, tenantId: string): Promise<boolean> {
  const result = await pool.query(
    "select 1 from api_keys where tenant_id = $1 and role = 'admin' and revoked_at is null limit 1",
    [tenantId],
  );
  return (result.rowCount ?? 0) > 0;
}

export async function isKnownKey(pool: Pool, key: string): Promise<boolean> {
  const result = await pool.query('select 1 from api_keys where key_hash = $1', [hashKey(key)]);
  return (result.rowCount ?? 0) > 0;
}
