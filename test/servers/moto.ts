import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, isPortOpen, waitFor } from '../../core/net.js';
import { packageRoot } from '../../core/paths.js';
import { runChecked } from '../../core/system/run-command.js';
import { createLogger } from '../../core/logger.js';
import { ManagedProcess } from '../../embedded/managed-process.js';

const motoServer = path.join(packageRoot, '.tools', 'venv', 'bin', 'moto_server');

/** A moto server (the real EC2 API protocol) on a free loopback port; installs moto on first use. */
export async function startMoto(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  if (!existsSync(motoServer))
    await runChecked('bash', [path.join(packageRoot, 'scripts', 'setup', 'moto.sh')]);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'moto-'));
  const child = ManagedProcess.start('moto_server', motoServer, ['-H', '127.0.0.1', '-p', String(port)], {
    logFile: path.join(dir, 'moto.log'),
    logger: createLogger('warn', 'moto'),
  });
  await waitFor('moto', () => isPortOpen(port), 30_000);
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => child.stop() };
}
