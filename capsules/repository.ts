import path from 'node:path';
import type { Pool } from '../core/db/pool.js';
import { packageRoot } from '../core/paths.js';
import type { LoadedCapsule } from './load-capsule.js';

export const builtinCapsulesDir = path.join(packageRoot, 'capsules', 'builtin');

/**
 * Stores the capsule library in PostgreSQL at start: a new id or version is inserted; the
 * same id and version with different content is refused (bump the version instead).
 */
export async function syncCapsules(pool: Pool, library: LoadedCapsule[]): Promise<LoadedCapsule[]> {
  for (const entry of library) {
    const { capsule, contentHash } = entry;
    const result = await pool.query<{ content_hash: string }>(
      `insert into capsules (id, version, content_hash, document, source) values ($1, $2, $3, $4, $5)
       on conflict (id, version) do update set id = excluded.id
       returning content_hash`,
      [
        capsule.id,
        capsule.version,
        contentHash,
        JSON.stringify(capsule),
        path.relative(packageRoot, entry.source),
      ],
    );
    if (result.rows[0]?.content_hash !== contentHash) {
      throw new Error(
        `capsule ${capsule.id}@${capsule.version} changed since it was stored (${entry.source}): give it a new version`,
      );
    }
  }
  return library;
}
