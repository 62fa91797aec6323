import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../core/logger.js';
import { freePort, isPortOpen, waitFor } from '../../core/net.js';
import { packageRoot } from '../../core/paths.js';
import { ManagedProcess } from '../../embedded/managed-process.js';

/** Azurite's well-known development account (published in its README; it is not a secret). */
const account = 'devstoreaccount1';
const accountKey = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

/**
 * Azurite's Blob service (Microsoft's own emulator, npm `azurite`) on a free loopback port, data in
 * its own temporary directory. The API-version check is off because @azure/storage-blob may be newer than Azurite.
 */
export async function startAzuriteBlob(): Promise<{
  connectionString: string;
  endpoint: string;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'azurite-'));
  const child = ManagedProcess.start(
    'azurite-blob',
    path.join(packageRoot, 'node_modules', '.bin', 'azurite-blob'),
    [
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      String(port),
      '--location',
      dir,
      '--skipApiVersionCheck',
      '--disableTelemetry',
      '--silent',
    ],
    { logFile: path.join(dir, 'azurite.log'), logger: createLogger('warn', 'azurite') },
  );
  await waitFor('azurite-blob', () => isPortOpen(port), 30_000);
  const endpoint = `http://127.0.0.1:${port}/${account}`;
  return {
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${accountKey};BlobEndpoint=${endpoint};`,
    endpoint,
    stop: async () => {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
