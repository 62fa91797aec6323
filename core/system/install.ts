import type { Logger } from '../logger.js';
import { runChecked } from './run-command.js';

/** Raised when a system piece is missing and SomaGent cannot install it itself. */
export class MissingToolError extends Error {
  constructor(tool: string, howToInstall: string, cause?: unknown) {
    super(
      `${tool} is not installed and could not be installed automatically.\nInstall it with:\n  ${howToInstall}`,
      {
        cause,
      },
    );
    this.name = 'MissingToolError';
  }
}

let aptUpdated = false;

/** Installs Debian packages with apt-get when running as root; otherwise explains what to run. */
export async function aptInstall(packages: string[], logger: Logger): Promise<void> {
  const command = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
  if (process.getuid?.() !== 0) throw new MissingToolError(packages.join(', '), command);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    if (!aptUpdated) {
      logger.info({ packages }, 'apt-get update');
      await runChecked('apt-get', ['update'], { env });
      aptUpdated = true;
    }
    logger.info({ packages }, 'apt-get install');
    await runChecked('apt-get', ['install', '-y', '--no-install-recommends', ...packages], { env });
  } catch (error) {
    throw new MissingToolError(packages.join(', '), command, error);
  }
}
