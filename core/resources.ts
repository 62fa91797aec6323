import type { Client } from '@temporalio/client';
import type { Redis } from 'ioredis';
import type { ToolRuntime } from '../adapters/core/tool-runtime.js';
import type { Config } from './config.js';
import type { Pool } from './db/pool.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * Everything a part of SomaGent needs from the outside world, made once at start and passed
 * down by hand (no DI container): API routes, activities and jobs all take this object.
 */
export interface Resources {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  pool: Pool;
  redis: Redis;
  temporal: Client;
  /** Every tool adapter behind one call path (limits, ledger, credentials, metering). */
  tools: ToolRuntime;
  /** Base address of the Temporal Web UI, for links in API answers. */
  temporalUiUrl: string;
}
