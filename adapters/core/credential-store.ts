import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Pool } from '../../core/db/pool.js';

/**
 * Tenants' tool credentials, encrypted with AES-256-GCM under the platform's credentials key;
 * the tool id and tenant are bound in as additional data, so a row moved to another tenant or
 * tool does not decrypt.
 */
export class CredentialStore {
  constructor(
    private readonly pool: Pool,
    private readonly key: Buffer,
  ) {
    if (key.length !== 32) throw new Error('the credentials key must be 32 bytes');
  }

  async put(tenantId: string, tool: string, values: Record<string, unknown>): Promise<void> {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(`${tenantId}/${tool}`));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(values), 'utf8'), cipher.final()]);
    await this.pool.query(
      `insert into tool_credentials (tenant_id, tool, ciphertext, iv, auth_tag) values ($1, $2, $3, $4, $5)
       on conflict (tenant_id, tool) do update
         set ciphertext = excluded.ciphertext, iv = excluded.iv, auth_tag = excluded.auth_tag, updated_at = now()`,
      [tenantId, tool, ciphertext, iv, cipher.getAuthTag()],
    );
  }

  async get(tenantId: string, tool: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.pool.query<{ ciphertext: Buffer; iv: Buffer; auth_tag: Buffer }>(
      'select ciphertext, iv, auth_tag from tool_credentials where tenant_id = $1 and tool = $2',
      [tenantId, tool],
    );
    const row = rows[0];
    if (!row) return undefined;
    const decipher = createDecipheriv('aes-256-gcm', this.key, row.iv);
    decipher.setAAD(Buffer.from(`${tenantId}/${tool}`));
    decipher.setAuthTag(row.auth_tag);
    const plain = Buffer.concat([decipher.update(row.ciphertext), decipher.final()]).toString('utf8');
    return JSON.parse(plain) as Record<string, unknown>;
  }

  async delete(tenantId: string, tool: string): Promise<boolean> {
    const result = await this.pool.query('delete from tool_credentials where tenant_id = $1 and tool = $2', [
      tenantId,
      tool,
    ]);
    return (result.rowCount ?? 0) > 0;
  }
}
