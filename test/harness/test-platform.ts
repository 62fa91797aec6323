import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { startPlatform, type Platform } from '../../platform/start-platform.js';
import { adminKeyForTests } from './shared-servers.js';

export interface TestPlatform extends Platform {
  url: string;
  adminKey: string;
  /** fetch against the API, with the admin key unless `key` says otherwise (null: no credential). */
  call(path: string, init?: RequestInit & { key?: string | null; json?: unknown }): Promise<Response>;
}

/**
 * A worker and an API of this test file's own (own task queue, own port), against the shared
 * real servers; the same startPlatform that `somagent up` runs.
 */
export async function startTestPlatform(
  env: Record<string, string> = {},
  options: { worker?: boolean } = {},
): Promise<TestPlatform> {
  const servers = inject('servers');
  const config = loadConfig({
    SOMAGENT_DATA_DIR: servers.dataDir,
    SOMAGENT_PORT: '0',
    SOMAGENT_ADMIN_KEY: adminKeyForTests,
    SOMAGENT_TEMPORAL_UI_URL: servers.temporalUiUrl,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    DATABASE_URL: servers.databaseUrl,
    REDIS_URL: servers.redisUrl,
    ...env,
  });
  const logger = createLogger(process.env.SOMAGENT_LOG_LEVEL ?? 'silent');
  const platform = await startPlatform(config, logger, {
    workflowBundle: { codePath: servers.bundlePath },
    ...(options.worker === undefined ? {} : { worker: options.worker }),
  });
  const url = platform.apiUrl;
  if (!url) throw new Error('the test platform has no API');
  return {
    ...platform,
    url,
    adminKey: adminKeyForTests,
    call: (path, init = {}) => {
      const { key = adminKeyForTests, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key !== null) headers.set('Authorization', `Bearer ${key}`);
      if (json !== undefined) headers.set('Content-Type', 'application/json');
      return fetch(`${url}${path}`, {
        ...rest,
        headers,
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
    },
  };
}

/** Polls until `check` returns a value, for states that a worker reaches asynchronously. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
