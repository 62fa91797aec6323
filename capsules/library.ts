import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import { loadCapsuleDirectory, type LoadedCapsule } from './load-capsule.js';
import { builtinCapsulesDir } from './repository.js';

const cache = new WeakMap<AnyAdapter[], LoadedCapsule[]>();

/** The built-in capsule library, loaded and checked once per process and adapter list. */
export function capsuleLibrary(adapters: AnyAdapter[]): LoadedCapsule[] {
  let library = cache.get(adapters);
  if (!library) {
    library = loadCapsuleDirectory(builtinCapsulesDir, new Map(adapters.map((adapter) => [adapter.id, adapter])));
    cache.set(adapters, library);
  }
  return library;
}
