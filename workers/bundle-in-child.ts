import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { packageRoot } from '../core/paths.js';

const here = fileURLToPath(import.meta.url);
const fromSource = path.extname(here) === '.ts';

/**
 * Bundles the workflow code in a child process and writes it to `<dir>/workflow-bundle.js`:
 * webpack's memory (some 100 MB a worker would otherwise keep) leaves with the child. Runs
 * `bundle-workflows-main` through tsx from a clone, or directly from a build.
 */
export async function bundleWorkflowsInChild(dir: string): Promise<{ codePath: string }> {
  mkdirSync(dir, { recursive: true });
  const codePath = path.join(dir, 'workflow-bundle.js');
  const main = path.join(path.dirname(here), `bundle-workflows-main${path.extname(here)}`);
  const args = fromSource ? [path.join(packageRoot, 'bin', 'run-ts.js'), main, codePath] : [main, codePath];
  try {
    await promisify(execFile)(process.execPath, args, { cwd: packageRoot, maxBuffer: 16 * 2 ** 20 });
  } catch (error) {
    const { stderr, message } = error as { stderr?: string; message: string };
    throw new Error(`bundling the workflow code failed: ${stderr?.trim() || message}`);
  }
  return { codePath };
}
