import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import { loadCapsuleDirectory, type LoadedCapsule } from './load-capsule.js';
import { builtinCapsulesDir } from './repository.js';

const cache = new WeakMap<AnyAdapter[], Map<string, LoadedCapsule[]>>();

/**
 * The capsule library: the built-ins plus the capsules in SOMAGENT_CAPSULES_DIR, loaded and
 * checked once per process. A capsule in the extra directory replaces a built-in of the same id.
 */
export function capsuleLibrary(adapters: AnyAdapter[], extraDir?: string): LoadedCapsule[] {
  let byDir = cache.get(adapters);
  if (!byDir) cache.set(adapters, (byDir = new Map()));
  const key = extraDir ?? '';
  let library = byDir.get(key);
  if (!library) {
    const registry = new Map(adapters.map((adapter) => [adapter.id, adapter]));
    const extra = extraDir ? loadCapsuleDirectory(extraDir, registry) : [];
    const replaced = new Set(extra.map((entry) => entry.capsule.id));
    library = [
      ...loadCapsuleDirectory(builtinCapsulesDir, registry).filter(
        (entry) => !replaced.has(entry.capsule.id),
      ),
      ...extra,
    ];
    byDir.set(key, library);
  }
  return library;
}
