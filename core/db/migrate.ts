import path from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from '../logger.js';
import { packageRoot } from '../paths.js';

export const migrationsDir = path.join(packageRoot, 'core', 'db', 'migrations');

/**
 * Applies the versioned SQL migrations in core/db/migrations with node-pg-migrate. Safe to call
 * from several processes at once: the runner holds a PostgreSQL advisory lock while it works.
 */
export async function migrate(databaseUrl: string, logger: Logger): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'schema_migrations',
    // Several processes (API and workers) may start together: the later ones wait, then find nothing to do.
    advisoryLockMode: 'wait',
    count: Infinity,
    verbose: false,
    log: (message: string) => logger.debug(message),
  });
  const names = applied.map((migration) => migration.name);
  if (names.length > 0) logger.info({ migrations: names }, 'applied database migrations');
  return names;
}
