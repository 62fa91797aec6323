import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../core/config.js';
import { migrate } from '../../core/db/migrate.js';
import { createPool } from '../../core/db/pool.js';
import { createLogger } from '../../core/logger.js';
import { freePort } from '../../core/net.js';
import { scratchDir } from '../../embedded/scratch-dir.js';
import { bootstrapIdentity } from '../../identity/bootstrap.js';
import { startInfrastructure } from '../../platform/infrastructure.js';
import { bundleWorkflows } from '../../workers/create-worker.js';
import { adminKeyForTests, type SharedServers } from './shared-servers.js';

/**
 * Starts the real servers once for the whole run: the Temporal dev server (SQLite, WAL,
 * synchronous=OFF), PostgreSQL and Redis, on free ports in a temporary directory. Test files
 * reach them through `inject('servers')`; each starts its own worker and API against them.
 */
export default async function setup(project: TestProject) {
  const started = performance.now();
  const dataDir = scratchDir('somagent-test-');
  const logger = createLogger(process.env.SOMAGENT_LOG_LEVEL ?? 'warn', 'test-servers');
  const config = loadConfig({
    SOMAGENT_DATA_DIR: dataDir,
    SOMAGENT_ADMIN_KEY: adminKeyForTests,
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    ...(process.env.TEMPORAL_CLI ? { TEMPORAL_CLI: process.env.TEMPORAL_CLI } : {}),
  });
  const [infrastructure, bundle] = await Promise.all([
    startInfrastructure(config, logger, { durable: false }),
    bundleWorkflows(),
  ]);
  await migrate(infrastructure.databaseUrl, logger);
  const pool = createPool(infrastructure.databaseUrl, 2);
  await bootstrapIdentity(config, pool, logger);
  await pool.end();
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);

  const servers: SharedServers = {
    dataDir,
    temporalAddress: infrastructure.temporalAddress,
    temporalUiUrl: infrastructure.temporalUiUrl,
    databaseUrl: infrastructure.databaseUrl,
    redisUrl: infrastructure.redisUrl,
    bundlePath,
  };
  project.provide('servers', servers);
  console.log(`test servers up in ${((performance.now() - started) / 1000).toFixed(1)}s`);

  return async () => {
    await infrastructure.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
