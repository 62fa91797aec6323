import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../core/config.js';
import type { Pool } from '../core/db/pool.js';
import type { Logger } from '../core/logger.js';
import { createApiKey, hasAdminKey, isKnownKey } from './api-keys.js';
import { ensureTenant } from './tenants.js';

/**
 * First start: the default tenant and its admin key. The key is SOMAGENT_ADMIN_KEY when set;
 * otherwise a generated key is written to <data dir>/admin.key (mode 600) and never logged.
 */
export async function bootstrapIdentity(
  config: Config,
  pool: Pool,
  logger: Logger,
): Promise<{ adminKeyFile?: string }> {
  const tenantId = config.SOMAGENT_DEFAULT_TENANT;
  await ensureTenant(pool, tenantId, 'Default tenant');
  if (config.SOMAGENT_ADMIN_KEY) {
    if (!(await isKnownKey(pool, config.SOMAGENT_ADMIN_KEY))) {
      await createApiKey(pool, {
        tenantId,
        role: 'admin',
        name: 'SOMAGENT_ADMIN_KEY',
        key: config.SOMAGENT_ADMIN_KEY,
      });
      logger.info({ tenant: tenantId }, 'registered SOMAGENT_ADMIN_KEY as an admin key');
    }
    return {};
  }
  const keyFile = path.join(config.dataDir, 'admin.key');
  if (await hasAdminKey(pool, tenantId)) return existsSync(keyFile) ? { adminKeyFile: keyFile } : {};
  const created = await createApiKey(pool, { tenantId, role: 'admin', name: 'generated at first start' });
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(keyFile, `${created.key}\n`, { mode: 0o600 });
  logger.info({ tenant: tenantId, file: keyFile }, 'generated the first admin API key');
  return { adminKeyFile: keyFile };
}
