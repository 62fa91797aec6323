import path from 'node:path';
import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import type { Pool } from '../core/db/pool.js';
import { packageRoot } from '../core/paths.js';
import { loadCapsuleDirectory, type LoadedCapsule } from './load-capsule.js';

export const builtinCapsulesDir = path.join(packageRoot, 'capsules', 'builtin');

/**
 * Stores the built-in capsules in PostgreSQL at start: a new id or version is inserted; the
 * same id and version with different content is refused (bump the version instead).
 */
export async function syncBuiltinCapsules(pool: Pool, adapters: AnyAdapter[]): Promise<LoadedCapsule[]> {
  const loaded = loadCapsuleDirectory(builtinCapsulesDir, new Map(adapters.map((adapter) => [adapter.id, adapter])));
  for (const entry of loaded) {
    const { capsule, contentHash } = entry;
    const result = await pool.query<{ content_hash: string }>(
      `insert into capsules (id, version, content_hash, document, source) values ($1, $2, $3, $4, $5)
       on conflict (id, version) do update set id = excluded.id
       returning content_hash`,
      [capsule.id, capsule.version, contentHash, JSON.stringify(capsule), path.relative(packageRoot, entry.source)],
    );
    if (result.rows[0]?.content_hash !== contentHash) {
      throw new Error(
        `capsule ${capsule.id}@${capsule.version} changed since it was stored (${entry.source}): give it a new version`,
      );
    }
  }
  return loaded;
}
