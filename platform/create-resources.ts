import path from 'node:path';
import { Redis } from 'ioredis';
import { adapters } from '../adapters/index.js';
import { CredentialStore } from '../adapters/core/credential-store.js';
import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import { ToolRuntime } from '../adapters/core/tool-runtime.js';
import type { Config } from '../core/config.js';
import { createPool } from '../core/db/pool.js';
import type { Logger } from '../core/logger.js';
import { createMetrics } from '../core/metrics.js';
import type { Resources } from '../core/resources.js';
import { connectClient } from '../temporal-config/connection.js';
import { loadCredentialsKey } from './credentials-key.js';
import type { Infrastructure } from './infrastructure.js';

/** Opens the pool, the Redis client and the Temporal client; `close` releases all three. */
export async function createResources(
  config: Config,
  infrastructure: Pick<Infrastructure, 'temporalAddress' | 'temporalUiUrl' | 'databaseUrl' | 'redisUrl'>,
  logger: Logger,
  options: { adapters?: AnyAdapter[] } = {},
): Promise<{ resources: Resources; close(): Promise<void> }> {
  const pool = createPool(infrastructure.databaseUrl);
  pool.on('error', (error) => logger.warn({ err: error }, 'idle PostgreSQL connection failed'));
  const redis = new Redis(infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', (error) => logger.debug({ err: error }, 'Redis connection error'));
  await redis.connect();
  const temporal = await connectClient(config, infrastructure.temporalAddress);
  const metrics = createMetrics();
  const tools = new ToolRuntime({
    adapters: options.adapters ?? adapters,
    pool,
    redis,
    logger: logger.child({ component: 'tools' }),
    metrics,
    credentials: new CredentialStore(pool, loadCredentialsKey(config)),
    artifactsDir: path.join(config.dataDir, 'artifacts'),
  });
  const resources: Resources = {
    config,
    logger,
    metrics,
    pool,
    redis,
    temporal,
    tools,
    temporalUiUrl: infrastructure.temporalUiUrl,
  };
  return {
    resources,
    close: async () => {
      await tools.close();
      await Promise.allSettled([pool.end(), redis.quit(), temporal.connection.close()]);
    },
  };
}
