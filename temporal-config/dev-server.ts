import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { isPortOpen, waitFor } from '../core/net.js';
import { resolveTemporalCli } from '../core/system/tools.js';
import { ManagedProcess } from '../embedded/managed-process.js';
import { searchAttributeFlags } from './search-attributes.js';

export interface DevServerOptions {
  dir: string;
  namespace: string;
  port: number;
  uiPort: number;
  cli?: string;
  /** Tests trade durability for speed with synchronous=OFF; the platform keeps SQLite's default. */
  durable?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * Runs the official `temporal server start-dev` with a SQLite file in `dir`, so workflow history
 * survives restarts, the SomaGent namespace and search attributes registered, and the Web UI on.
 */
export async function startDevServer(options: DevServerOptions, logger: Logger): Promise<DevServer> {
  const cli = await resolveTemporalCli(logger, options.cli);
  mkdirSync(options.dir, { recursive: true });
  if (await isPortOpen(options.port)) {
    throw new Error(
      `port ${options.port} is taken, so the Temporal dev server cannot start there. ` +
        'Set TEMPORAL_PORT to a free port, or TEMPORAL_ADDRESS to use the server that is listening.',
    );
  }
  const pragmas = ['journal_mode=WAL', ...(options.durable === false ? ['synchronous=OFF'] : [])];
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    path.join(options.dir, 'temporal.db'),
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--namespace',
    options.namespace,
    '--log-level',
    'warn',
    ...pragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    // The dev server has a single history shard, and its transfer queue (which hands new workflow
    // and activity tasks to matching) is read at most history.transferProcessorMaxPollRPS times a
    // second, 20 by default: once the limiter's burst is spent every workflow task waits ~40 ms
    // between WorkflowTaskScheduled and WorkflowTaskStarted (~1050 ms for 20 sequential no-op
    // activities instead of ~180 ms). The cap only throttles reads that new tasks trigger; an idle
    // server does not poll more often.
    '--dynamic-config-value',
    'history.transferProcessorMaxPollRPS=1000',
    ...searchAttributeFlags(),
  ];
  const child = ManagedProcess.start('temporal dev server', cli, args, {
    logFile: path.join(options.dir, 'temporal.log'),
    logger,
  });
  const early = child.waitForExit().then((code) => {
    throw new Error(
      `the Temporal dev server exited with ${code} at start; see ${path.join(options.dir, 'temporal.log')}`,
    );
  });
  await Promise.race([
    waitFor(
      'Temporal',
      async () => (await isPortOpen(options.port)) && (await isPortOpen(options.uiPort)),
      60_000,
    ),
    early,
  ]);
  early.catch(() => undefined);
  return {
    address: `127.0.0.1:${options.port}`,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    stop: () => child.stop('SIGTERM', 15_000),
  };
}
