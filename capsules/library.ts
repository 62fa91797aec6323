import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import { CapsuleError, loadCapsuleDirectory, type LoadedCapsule } from './load-capsule.js';
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
    checkCapsuleUses(library);
    byDir.set(key, library);
  }
  return library;
}

/** Every `uses: capsule:<id>` names a capsule of the library, and no capsule ends up using itself. */
function checkCapsuleUses(library: LoadedCapsule[]): void {
  const byId = new Map(library.map((entry) => [entry.capsule.id, entry]));
  const usesOf = (id: string) =>
    (byId.get(id)?.capsule.steps ?? [])
      .filter((step) => step.uses.startsWith('capsule:'))
      .map((step) => step.uses.slice('capsule:'.length));
  const problems = library.flatMap((entry) =>
    entry.capsule.steps.flatMap((step, index) => {
      if (!step.uses.startsWith('capsule:')) return [];
      const used = step.uses.slice('capsule:'.length);
      if (!byId.has(used))
        return [
          {
            file: entry.source,
            path: `steps[${index}].uses`,
            message: `no capsule "${used}" in the library`,
          },
        ];
      const seen = new Set<string>();
      const stack = [used];
      while (stack.length > 0) {
        const next = stack.pop() ?? '';
        if (next === entry.capsule.id)
          return [
            {
              file: entry.source,
              path: `steps[${index}].uses`,
              message: `capsule ${used} uses ${entry.capsule.id} in turn (a cycle)`,
            },
          ];
        if (seen.has(next)) continue;
        seen.add(next);
        stack.push(...usesOf(next));
      }
      return [];
    }),
  );
  if (problems.length > 0) throw new CapsuleError(problems);
}
