import path from 'node:path';
import type { Config } from '../core/config.js';
import type { Logger } from '../core/logger.js';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres.js';
import { startEmbeddedRedis } from '../embedded/embedded-redis.js';
import { startDevServer } from '../temporal-config/dev-server.js';

/** Where the platform's three servers are, whether SomaGent started them or was given their URLs. */
export interface Infrastructure {
  temporalAddress: string;
  temporalUiUrl: string;
  databaseUrl: string;
  redisUrl: string;
  /** Which of them this process started (and will stop). */
  embedded: ('temporal' | 'postgres' | 'redis')[];
  stop(): Promise<void>;
}

/**
 * Starts, side by side, whichever of Temporal, PostgreSQL and Redis has no URL configured, with
 * their data under the data dir. `durable: false` (tests) trades crash safety for speed.
 */
export async function startInfrastructure(
  config: Config,
  logger: Logger,
  options: { durable?: boolean } = {},
): Promise<Infrastructure> {
  const stops: (() => Promise<void>)[] = [];
  const embedded: Infrastructure['embedded'] = [];
  const stop = async () => {
    await Promise.allSettled(stops.reverse().map((fn) => fn()));
  };
  const settled = await Promise.allSettled([
    config.TEMPORAL_ADDRESS
      ? {
          address: config.TEMPORAL_ADDRESS,
          uiUrl: config.SOMAGENT_TEMPORAL_UI_URL ?? 'http://localhost:8233',
        }
      : startDevServer(
          {
            dir: path.join(config.dataDir, 'temporal'),
            namespace: config.TEMPORAL_NAMESPACE,
            port: config.TEMPORAL_PORT,
            uiPort: config.TEMPORAL_UI_PORT,
            ...(config.TEMPORAL_CLI ? { cli: config.TEMPORAL_CLI } : {}),
            ...(options.durable === undefined ? {} : { durable: options.durable }),
          },
          logger.child({ component: 'temporal-dev-server' }),
        ).then((server) => {
          stops.push(server.stop);
          embedded.push('temporal');
          return { address: server.address, uiUrl: config.SOMAGENT_TEMPORAL_UI_URL ?? server.uiUrl };
        }),
    config.DATABASE_URL
      ? { url: config.DATABASE_URL }
      : startEmbeddedPostgres(
          path.join(config.dataDir, 'postgres'),
          logger.child({ component: 'postgres' }),
          options,
        ).then((server) => {
          stops.push(server.stop);
          embedded.push('postgres');
          return server;
        }),
    config.REDIS_URL
      ? { url: config.REDIS_URL }
      : startEmbeddedRedis(path.join(config.dataDir, 'redis'), logger.child({ component: 'redis' })).then(
          (server) => {
            stops.push(server.stop);
            embedded.push('redis');
            return server;
          },
        ),
  ] as const);
  const [temporal, postgres, redis] = settled;
  if (temporal.status === 'rejected' || postgres.status === 'rejected' || redis.status === 'rejected') {
    // Servers that did start are stopped again, so a failed start leaves nothing running.
    await stop();
    const failure = settled.find((result) => result.status === 'rejected') as PromiseRejectedResult;
    throw failure.reason;
  }
  return {
    temporalAddress: temporal.value.address,
    temporalUiUrl: temporal.value.uiUrl,
    databaseUrl: postgres.value.url,
    redisUrl: redis.value.url,
    embedded,
    stop,
  };
}
