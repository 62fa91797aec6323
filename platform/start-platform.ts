import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createApp } from '../api/app.js';
import { capsuleLibrary } from '../capsules/library.js';
import { syncCapsules } from '../capsules/repository.js';
import type { Config } from '../core/config.js';
import { migrate } from '../core/db/migrate.js';
import type { Logger } from '../core/logger.js';
import type { Resources } from '../core/resources.js';
import { bootstrapIdentity } from '../identity/bootstrap.js';
import { JwtVerifier } from '../identity/jwt.js';
import { connectWorker } from '../temporal-config/connection.js';
import { ensureNamespace } from '../temporal-config/ensure-namespace.js';
import { bundleWorkflowsInChild } from '../workers/bundle-in-child.js';
import { createWorker } from '../workers/create-worker.js';
import { installRuntimeLogging } from '../workers/runtime-logging.js';
import { createResources } from './create-resources.js';
import { startInfrastructure, type Infrastructure } from './infrastructure.js';

export interface PlatformOptions {
  /** Which roles this process plays; `somagent up` plays both. */
  api?: boolean;
  worker?: boolean;
  /** Tests pass a prebuilt workflow bundle so each worker starts without webpack. */
  workflowBundle?: WorkflowBundleWithSourceMap | { codePath: string };
  durable?: boolean;
}

export interface Platform {
  resources: Resources;
  infrastructure: Infrastructure;
  apiUrl?: string;
  adminKeyFile?: string;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}

/**
 * Brings SomaGent up: servers (embedded where no URL is configured), migrations, the first admin
 * key, the namespace, then the worker and the API. `stop` undoes it all in reverse order.
 */
export async function startPlatform(
  config: Config,
  logger: Logger,
  options: PlatformOptions = {},
): Promise<Platform> {
  const runApi = options.api ?? true;
  const runWorker = options.worker ?? true;
  // The worker's workflow bundle is built beside the servers' start, in a child process.
  const bundling = runWorker
    ? options.workflowBundle
      ? Promise.resolve(options.workflowBundle)
      : bundleWorkflowsInChild(config.dataDir)
    : undefined;
  bundling?.catch(() => undefined);
  const infrastructure = await startInfrastructure(config, logger, { durable: options.durable ?? true });
  const cleanups: (() => Promise<void>)[] = [infrastructure.stop];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => logger.warn({ err: error }, 'error while stopping'));
    }
  };
  try {
    await migrate(infrastructure.databaseUrl, logger);
    const opened = await createResources(config, infrastructure, logger);
    cleanups.push(opened.close);
    const { resources } = opened;
    await ensureNamespace(resources.temporal, logger);
    const { adminKeyFile } = await bootstrapIdentity(config, resources.pool, logger);
    await syncCapsules(resources.pool, capsuleLibrary(resources.tools.list(), config.SOMAGENT_CAPSULES_DIR));

    let worker: Worker | undefined;
    if (bundling) {
      installRuntimeLogging(logger);
      const connection = await connectWorker(config, infrastructure.temporalAddress);
      worker = await createWorker(resources, {
        connection,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        workflowBundle: await bundling,
      });
      const running = worker.run();
      cleanups.push(async () => {
        if (worker?.getState() === 'RUNNING') worker.shutdown();
        await running;
        await connection.close();
      });
      running.catch((error: unknown) => logger.fatal({ err: error }, 'the worker stopped'));
    }

    let apiUrl: string | undefined;
    if (runApi) {
      const app = createApp(resources, await JwtVerifier.fromConfig(config));
      const httpServer = createServer(app);
      const address = await listen(httpServer, config.SOMAGENT_PORT, config.SOMAGENT_HOST);
      apiUrl = `http://${config.SOMAGENT_HOST}:${address.port}`;
      cleanups.push(
        () =>
          new Promise<void>((resolve) => {
            httpServer.close(() => resolve());
            httpServer.closeAllConnections();
          }),
      );
    }
    return {
      resources,
      infrastructure,
      ...(apiUrl ? { apiUrl } : {}),
      ...(adminKeyFile ? { adminKeyFile } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
