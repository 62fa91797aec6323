import type { Resources } from '../core/resources.js';

export type DependencyState = 'ok' | 'unavailable';

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<DependencyState> {
  try {
    await withTimeout(check(), timeoutMs);
    return 'ok';
  } catch {
    return 'unavailable';
  }
}

export const checkRedis = (resources: Resources) => probe(() => resources.redis.ping());

/** Checks Temporal, PostgreSQL and Redis side by side. */
export async function checkDependencies(
  resources: Resources,
): Promise<Record<'temporal' | 'postgres' | 'redis', DependencyState>> {
  const [temporal, postgres, redis] = await Promise.all([
    probe(() =>
      resources.temporal.connection.withDeadline(Date.now() + 2000, () =>
        resources.temporal.connection.workflowService.getSystemInfo({}),
      ),
    ),
    probe(() => resources.pool.query('select 1')),
    checkRedis(resources),
  ]);
  return { temporal, postgres, redis };
}
