import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { freePort, isPortOpen, waitFor } from '../core/net.js';
import { resolveRedisServer } from '../core/system/tools.js';
import { ManagedProcess } from './managed-process.js';

export interface EmbeddedServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts redis-server on a free loopback port; Redis holds only limits and caches, so nothing is saved. */
export async function startEmbeddedRedis(dir: string, logger: Logger): Promise<EmbeddedServer> {
  const binary = await resolveRedisServer(logger);
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const child = ManagedProcess.start('redis-server', binary, args, {
    logFile: path.join(dir, 'redis.log'),
    logger,
  });
  const early = child.waitForExit().then((code) => {
    throw new Error(`redis-server exited with ${code} at start; see ${path.join(dir, 'redis.log')}`);
  });
  await Promise.race([waitFor('Redis', () => isPortOpen(port), 15_000), early]);
  early.catch(() => undefined);
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.stop() };
}
