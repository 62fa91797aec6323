import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A new temporary directory that the embedded servers can use: mkdtemp makes it 0700, and
 * PostgreSQL, which refuses to run as root, runs under its own account and must enter it.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}
