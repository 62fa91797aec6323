import { loadConfig } from '../../core/config.js';
import { createLogger } from '../../core/logger.js';
import { startPlatform } from '../../platform/start-platform.js';

/** `somagent up`: runs until Ctrl-C (SIGINT) or SIGTERM, then stops everything it started. */
export async function upCommand(options: { worker: boolean; api: boolean }): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.SOMAGENT_LOG_LEVEL);
  const platform = await startPlatform(config, logger, { api: options.api, worker: options.worker });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const lines = [
    `SomaGent is up (${seconds}s).`,
    ...(platform.apiUrl
      ? [`  API            ${platform.apiUrl}`, `  API docs       ${platform.apiUrl}/docs`]
      : []),
    `  Temporal UI    ${platform.infrastructure.temporalUiUrl}/namespaces/${config.TEMPORAL_NAMESPACE}/workflows`,
    `  Temporal       ${platform.infrastructure.temporalAddress} (namespace ${config.TEMPORAL_NAMESPACE})`,
    `  Data           ${config.dataDir}${platform.infrastructure.embedded.length ? ` (embedded: ${platform.infrastructure.embedded.join(', ')})` : ''}`,
    ...(platform.adminKeyFile ? [`  Admin API key  in ${platform.adminKeyFile}`] : []),
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping SomaGent');
    platform.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
