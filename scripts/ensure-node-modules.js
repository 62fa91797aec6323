// Runs before `npm start` and `npm test`: installs the npm dependencies on a fresh clone, or
// again when package-lock.json changed since the last install. Plain Node, no dependencies.
// (npm install, not npm ci: see .ci/run.)
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs;
if (stale) {
  console.error('somagent: installing npm dependencies...');
  execSync('npm install --no-audit --no-fund', { stdio: 'inherit' });
}
