import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnyAdapter } from '../../adapters/core/define-adapter.js';
import { describeAdapter } from '../../adapters/core/describe.js';
import { createTestToolRuntime, type TestToolRuntime } from '../harness/tool-runtime.js';
import { toolErrorOf } from '../harness/tool-error.js';

/** One call of an operation, as a test writes it. */
export interface SampleCall {
  operation: string;
  input: unknown;
}

/** What the conformance suite needs to know about one adapter and the server it is tested against. */
export interface ConformanceTarget {
  adapter: AnyAdapter;
  /** Where the server comes from, for the verification-tier table (e.g. "moto (real EC2 protocol)"). */
  tier: string;
  /** Starts the server; returns the environment that points the adapter at it (as a deployment sets it). */
  start(): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
  read: SampleCall;
  /** A write whose side effects the server counts. */
  write: SampleCall & {
    count(env: Record<string, string>): Promise<number>;
    /** What names the created thing in an output (ids), where a recovered output may show a later state. */
    identify?(output: unknown): unknown;
  };
  /** A call the vendor answers with "not found". */
  notFound?: SampleCall;
  /** Credentials the server rejects; omit when the server accepts any (moto). */
  badEnv?: Record<string, string>;
}

/**
 * The one suite every adapter passes: schemas, connection, a read round trip, exactly-once
 * writes (with and without an interrupted first attempt), error mapping, the shared rate
 * limit, and secrets kept out of errors, logs and records.
 */
export function testAdapter(target: ConformanceTarget): void {
  const { adapter } = target;
  const tenantId = 'default';
  let env: Record<string, string>;
  let stop: () => Promise<void>;
  let tools: TestToolRuntime;

  describe(`${adapter.id} adapter conformance (${target.tier})`, () => {
    beforeAll(async () => {
      ({ env, stop } = await target.start());
      tools = createTestToolRuntime([adapter], env);
    });
    afterAll(async () => {
      await tools?.close();
      await stop?.();
    });

    it('describes every operation with JSON Schemas, and compensations that exist', () => {
      const described = describeAdapter(adapter);
      expect(described.operations.length).toBeGreaterThan(0);
      for (const operation of described.operations) {
        expect(operation.inputSchema, operation.name).toMatchObject({ type: 'object' });
        expect(operation.outputSchema, operation.name).toHaveProperty('type');
        if (operation.compensation) expect(Object.keys(adapter.operations)).toContain(operation.compensation);
      }
      for (const field of adapter.credentials.secret) {
        expect(Object.keys(adapter.credentials.env)).toContain(field);
      }
    });

    it('passes its connection test against the server', async () => {
      expect(await tools.runtime.checkConnection(tenantId, adapter.id)).toEqual({ reachable: true });
    });

    it('round-trips a read through its input and output schemas', async () => {
      const result = await tools.runtime.invoke({ tenantId, tool: adapter.id, ...target.read });
      const operation = adapter.operations[target.read.operation];
      expect(operation?.output.safeParse(result.output).success).toBe(true);
      expect(result.replayed).toBe(false);
    });

    it('rejects invalid input before calling the vendor', async () => {
      const error = await toolErrorOf(
        tools.runtime.invoke({
          tenantId,
          tool: adapter.id,
          operation: target.write.operation,
          input: { unexpected: [] },
        }),
      );
      expect(error.category).toBe('invalid_input');
      expect(error.message).toContain(`${adapter.id}.${target.write.operation}`);
    });

    it('performs a write once per idempotency key, counted on the server', async () => {
      const before = await target.write.count(env);
      const key = `conformance:${randomUUID()}`;
      const first = await tools.runtime.invoke({
        tenantId,
        tool: adapter.id,
        ...target.write,
        idempotencyKey: key,
      });
      const second = await tools.runtime.invoke({
        tenantId,
        tool: adapter.id,
        ...target.write,
        idempotencyKey: key,
      });
      expect(second).toEqual({ output: first.output, replayed: true });
      expect(await target.write.count(env)).toBe(before + 1);
    });

    it('finds the side effect of an attempt interrupted after the vendor call, instead of repeating it', async () => {
      const operation = adapter.operations[target.write.operation];
      const key = `conformance:${randomUUID()}`;
      const first = await tools.runtime.invoke({
        tenantId,
        tool: adapter.id,
        ...target.write,
        idempotencyKey: key,
      });
      const before = await target.write.count(env);
      // Exactly what a worker killed between the vendor's answer and the ledger update leaves behind.
      await tools.pool.query(
        "update tool_side_effects set status = 'started', output = null where tenant_id = $1 and idempotency_key = $2",
        [tenantId, key],
      );
      const retry = await tools.runtime.invoke({
        tenantId,
        tool: adapter.id,
        ...target.write,
        idempotencyKey: key,
      });
      if (operation?.recover) {
        expect(retry.replayed).toBe(true);
        const identify = target.write.identify ?? ((output: unknown) => output);
        expect(identify(retry.output)).toEqual(identify(first.output));
        expect(await target.write.count(env)).toBe(before);
      } else {
        // Without recover the adapter relies on the vendor's own idempotency; say so by counting.
        expect(await target.write.count(env)).toBeLessThanOrEqual(before + 1);
      }
    });

    if (target.notFound) {
      const notFound = target.notFound;
      it('maps the vendor\'s "not found" to a non-retryable not_found error', async () => {
        const error = await toolErrorOf(tools.runtime.invoke({ tenantId, tool: adapter.id, ...notFound }));
        expect(error.category).toBe('not_found');
        expect(error.retryable).toBe(false);
      });
    }

    if (target.badEnv) {
      const badEnv = target.badEnv;
      it('maps rejected credentials to a non-retryable auth error', async () => {
        const bad = createTestToolRuntime([adapter], { ...env, ...badEnv });
        try {
          const error = await toolErrorOf(bad.runtime.invoke({ tenantId, tool: adapter.id, ...target.read }));
          expect(error.category).toBe('auth');
          expect(error.retryable).toBe(false);
        } finally {
          await bad.close();
        }
      });
    }

    it('reports missing credentials naming the environment variables', async () => {
      const bare = createTestToolRuntime([adapter], {});
      try {
        const state = await bare.runtime.credentials(tenantId, adapter);
        if (state.configured) return; // an adapter that needs no credentials (local tools)
        const error = await toolErrorOf(bare.runtime.invoke({ tenantId, tool: adapter.id, ...target.read }));
        expect(error.category).toBe('auth');
        expect(error.message).toMatch(/not configured/);
        expect(state.missing.join(' ')).toMatch(/[A-Z_]{3,}/);
      } finally {
        await bare.close();
      }
    });

    it('waits out a pause another worker set after a 429, and hands long waits to Temporal', async () => {
      const other = createTestToolRuntime([adapter], env);
      const impatient = createTestToolRuntime([adapter], env, { maxRateLimitWaitMs: 50 });
      try {
        const state = await other.runtime.credentials(tenantId, adapter);
        if (!state.configured) throw new Error('not configured');
        await other.runtime.limiter.pause(other.runtime.limitKey(adapter, state.values), 1500);

        const error = await toolErrorOf(
          impatient.runtime.invoke({ tenantId, tool: adapter.id, ...target.read }),
        );
        expect(error.category).toBe('rate_limited');
        expect(error.details.retryAfterMs).toBeGreaterThan(0);
        expect(error.details.retryAfterMs).toBeLessThanOrEqual(1500);

        const started = Date.now();
        await tools.runtime.invoke({ tenantId, tool: adapter.id, ...target.read });
        expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      } finally {
        await Promise.all([other.close(), impatient.close()]);
      }
    });

    it('keeps secrets out of errors, logs and stored records', async () => {
      const secrets = adapter.credentials.secret
        .map((field) => adapter.credentials.env[field])
        .map((variable) => (variable ? env[variable] : undefined))
        .filter((value): value is string => typeof value === 'string' && value.length >= 4);
      const messages: string[] = [];
      for (const call of [
        target.read,
        target.notFound,
        { operation: target.write.operation, input: { bad: true } },
      ]) {
        if (!call) continue;
        await tools.runtime
          .invoke({ tenantId, tool: adapter.id, ...call })
          .catch((error: Error) => messages.push(error.message));
      }
      const { rows } = await tools.pool.query<{ text: string }>(
        `select coalesce(string_agg(output::text, ' '), '') as text from tool_side_effects where tool = $1`,
        [adapter.id],
      );
      const everything = [...messages, ...tools.logs, rows[0]?.text ?? ''].join('\n');
      expect(tools.logs.length).toBeGreaterThan(0);
      for (const secret of secrets) expect(everything).not.toContain(secret);
    });
  });
}
