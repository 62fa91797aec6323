import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.js';

/**
 * The key that encrypts tenants' tool credentials: SOMAGENT_CREDENTIALS_KEY, or one generated
 * once into the data dir (mode 600) for a single-machine platform.
 */
export function loadCredentialsKey(config: Config): Buffer {
  if (config.SOMAGENT_CREDENTIALS_KEY) return Buffer.from(config.SOMAGENT_CREDENTIALS_KEY, 'base64');
  const file = path.join(config.dataDir, 'credentials.key');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
