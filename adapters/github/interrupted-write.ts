import type { Pool } from '../../core/db/pool.js';
import { hashInput } from '../core/ledger.js';
import type { AnyAdapter } from '../core/define-adapter.js';

/**
 * Leaves the side-effect ledger as a worker killed during a write leaves it: the key claimed
 * ("started") with no output, so the next call with that key must ask the adapter's recover()
 * before writing again. Works whether or not a call with the key ran before.
 */
export async function leaveWriteStarted(
  pool: Pool,
  adapter: AnyAdapter,
  call: { tenantId?: string; operation: string; input: unknown; idempotencyKey: string },
): Promise<void> {
  const definition = adapter.operations[call.operation];
  if (!definition) throw new Error(`${adapter.id} has no operation ${call.operation}`);
  // The ledger hashes the input after validation (defaults applied), as the runtime does.
  const inputHash = hashInput(definition.input.parse(call.input));
  await pool.query(
    `insert into tool_side_effects (tenant_id, idempotency_key, tool, operation, input_hash, status)
     values ($1, $2, $3, $4, $5, 'started')
     on conflict (tenant_id, idempotency_key) do update set status = 'started', output = null, completed_at = null`,
    [call.tenantId ?? 'default', call.idempotencyKey, adapter.id, call.operation, inputHash],
  );
}
