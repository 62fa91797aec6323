import { loadConfig } from '../core/config.js';
import { createLogger } from '../core/logger.js';
import { startPlatform } from '../platform/start-platform.js';

/**
 * A worker process and nothing else (no API), as `somagent up` would run it on a worker host,
 * against the servers its environment names; prints `ready` once it polls. The memory benchmark
 * reads this process's RSS. An argument names a prebuilt workflow bundle (else it bundles itself).
 */
const logger = createLogger(process.env.SOMAGENT_LOG_LEVEL ?? 'warn');
const bundle = process.argv[2];
const platform = await startPlatform(loadConfig(), logger, {
  api: false,
  ...(bundle ? { workflowBundle: { codePath: bundle } } : {}),
});
console.log('ready');
process.once('SIGTERM', () => {
  void platform.stop().finally(() => process.exit(0));
});
