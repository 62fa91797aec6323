import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { inject } from 'vitest';
import { CredentialStore } from '../../adapters/core/credential-store.js';
import type { AnyAdapter } from '../../adapters/core/define-adapter.js';
import { ToolRuntime } from '../../adapters/core/tool-runtime.js';
import { createPool, type Pool } from '../../core/db/pool.js';
import { createMetrics } from '../../core/metrics.js';

export interface TestToolRuntime {
  runtime: ToolRuntime;
  pool: Pool;
  redis: Redis;
  /** Every log line the runtime wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * A ToolRuntime on the shared real PostgreSQL and Redis, with credentials from `env` (as a
 * deployment would set them) and its logs captured, for adapter and conformance tests.
 */
export function createTestToolRuntime(
  adapters: AnyAdapter[],
  env: Record<string, string>,
  options: { maxRateLimitWaitMs?: number } = {},
): TestToolRuntime {
  const servers = inject('servers');
  const pool = createPool(servers.databaseUrl, 4);
  const redis = new Redis(servers.redisUrl);
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const runtime = new ToolRuntime({
    adapters,
    pool,
    redis,
    logger: pino({ level: 'debug' }, stream),
    metrics: createMetrics(),
    credentials: new CredentialStore(pool, randomBytes(32)),
    artifactsDir: path.join(os.tmpdir(), 'somagent-test-artifacts'),
    env,
    ...(options.maxRateLimitWaitMs === undefined ? {} : { maxRateLimitWaitMs: options.maxRateLimitWaitMs }),
  });
  return {
    runtime,
    pool,
    redis,
    logs,
    close: async () => {
      await runtime.close();
      await Promise.allSettled([pool.end(), redis.quit()]);
    },
  };
}
