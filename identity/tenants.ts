import type { Pool } from '../core/db/pool.js';

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export async function ensureTenant(pool: Pool, id: string, name: string): Promise<void> {
  await pool.query('insert into tenants (id, name) values ($1, $2) on conflict (id) do nothing', [id, name]);
}

/** Creates a tenant; returns undefined when the id is taken. */
export async function createTenant(pool: Pool, id: string, name: string): Promise<Tenant | undefined> {
  const result = await pool.query<{ id: string; name: string; created_at: Date }>(
    'insert into tenants (id, name) values ($1, $2) on conflict (id) do nothing returning id, name, created_at',
    [id, name],
  );
  const row = result.rows[0];
  return row && { id: row.id, name: row.name, createdAt: row.created_at.toISOString() };
}
