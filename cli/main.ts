import { Command } from 'commander';
import { ConfigError } from '../core/config.js';
import { MissingToolError } from '../core/system/install.js';
import { registerProjectCommands } from './commands/project.js';
import { upCommand } from './commands/up.js';

const program = new Command()
  .name('somagent')
  .description('SomaGent: durable, multi-agent project automation on Temporal')
  .version('0.1.0');

program
  .command('up')
  .description(
    'Run the platform: Temporal, PostgreSQL and Redis (embedded unless URLs are set), the worker and the API',
  )
  .option('--no-worker', 'do not run a worker in this process')
  .option('--no-api', 'do not serve the API from this process')
  .action(upCommand);

registerProjectCommands(program);

try {
  await program.parseAsync();
} catch (error) {
  if (error instanceof ConfigError || error instanceof MissingToolError) {
    console.error(`somagent: ${error.message}`);
  } else if (process.argv[2] === 'up') {
    console.error('somagent: failed to start:', error);
  } else {
    console.error(`somagent: ${(error as Error).message}`);
  }
  process.exit(1);
}
