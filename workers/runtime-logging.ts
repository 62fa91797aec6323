import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../core/logger.js';

const levels: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

let installed = false;

/**
 * Sends the Temporal SDK's logs (including workflow and activity context loggers, which carry
 * the workflow id, run id and activity type) through pino. The SDK allows one Runtime per process.
 */
export function installRuntimeLogging(logger: Logger): void {
  if (installed) return;
  installed = true;
  const sdkLogger = logger.child({ component: 'temporal' });
  Runtime.install({
    // SomaGent's supervisor owns the signals and stops the worker in order with everything else.
    shutdownSignals: [],
    logger: new DefaultLogger('INFO', (entry) => {
      sdkLogger[levels[entry.level]]({ ...entry.meta }, entry.message);
    }),
  });
}
