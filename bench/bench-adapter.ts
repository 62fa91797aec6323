import { z } from 'zod';
import { defineAdapter, defineOperation } from '../adapters/core/define-adapter.js';

/**
 * A tool whose operations do nothing: what remains of a call's time is the platform's. It has a
 * rate limit (so every call takes its token from Redis, as real tools do) and a write (so the
 * side-effect ledger is in the path).
 */
export const benchAdapter = defineAdapter({
  id: 'bench',
  title: 'Benchmark no-op tool',
  credentials: { schema: z.object({}), env: {}, secret: [] },
  rateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
  connect: () => ({}),
  testConnection: async () => undefined,
  operations: {
    noop: defineOperation<object>()({
      description: 'Does nothing.',
      kind: 'read',
      idempotent: true,
      input: z.object({ note: z.string().optional() }),
      output: z.object({}),
      run: async () => ({}),
    }),
    noopWrite: defineOperation<object>()({
      description: 'Does nothing, as a write.',
      kind: 'write',
      idempotent: false,
      input: z.object({ note: z.string().optional() }),
      output: z.object({ ok: z.boolean() }),
      run: async () => ({ ok: true }),
    }),
  },
});
