import { createHash } from 'node:crypto';
import type { Pool } from '../../core/db/pool.js';
import { ToolError } from './errors.js';

export type LedgerEntry =
  { state: 'new' } | { state: 'completed'; output: unknown } | { state: 'started'; attempts: number };

export function hashInput(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null))
    .digest('hex');
}

/**
 * The side-effect ledger: one row per (tenant, idempotency key) of a write. A completed row
 * answers every later call with the recorded output; a row left "started" by a crash tells the
 * next attempt to look for what the first one may have created before creating anything.
 */
export class SideEffectLedger {
  constructor(private readonly pool: Pool) {}

  /** Claims the key for this call, or says what an earlier call with the same key left behind. */
  async begin(
    tenantId: string,
    key: string,
    call: { tool: string; operation: string; input: unknown },
  ): Promise<LedgerEntry> {
    const inputHash = hashInput(call.input);
    const inserted = await this.pool.query(
      `insert into tool_side_effects (tenant_id, idempotency_key, tool, operation, input_hash, status)
       values ($1, $2, $3, $4, $5, 'started') on conflict do nothing`,
      [tenantId, key, call.tool, call.operation, inputHash],
    );
    if (inserted.rowCount === 1) return { state: 'new' };
    const { rows } = await this.pool.query<{
      tool: string;
      operation: string;
      input_hash: string;
      status: 'started' | 'completed';
      output: unknown;
      attempts: number;
    }>(
      `update tool_side_effects set attempts = attempts + 1
        where tenant_id = $1 and idempotency_key = $2
        returning tool, operation, input_hash, status, output, attempts`,
      [tenantId, key],
    );
    const row = rows[0];
    if (!row) return this.begin(tenantId, key, call);
    if (row.tool !== call.tool || row.operation !== call.operation || row.input_hash !== inputHash) {
      throw new ToolError(
        'invalid_input',
        `idempotency key ${key} was used for ${row.tool}.${row.operation} with another input`,
        { tool: call.tool, operation: call.operation },
      );
    }
    return row.status === 'completed'
      ? { state: 'completed', output: row.output }
      : { state: 'started', attempts: row.attempts };
  }

  async complete(tenantId: string, key: string, output: unknown): Promise<void> {
    await this.pool.query(
      `update tool_side_effects set status = 'completed', output = $3, completed_at = now()
        where tenant_id = $1 and idempotency_key = $2`,
      [tenantId, key, JSON.stringify(output ?? null)],
    );
  }

  /** Forgets a claim when the vendor said no for sure, so the key stays usable. */
  async release(tenantId: string, key: string): Promise<void> {
    await this.pool.query(
      "delete from tool_side_effects where tenant_id = $1 and idempotency_key = $2 and status = 'started'",
      [tenantId, key],
    );
  }
}
