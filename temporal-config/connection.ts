import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../core/config.js';

/** Connection options for a self-hosted server, Temporal Cloud with an API key, or mTLS. */
function connectionOptions(config: Config, address: string) {
  const tls =
    config.TEMPORAL_TLS_CERT && config.TEMPORAL_TLS_KEY
      ? {
          clientCertPair: {
            crt: readFileSync(config.TEMPORAL_TLS_CERT),
            key: readFileSync(config.TEMPORAL_TLS_KEY),
          },
          ...(config.TEMPORAL_TLS_CA
            ? { serverRootCACertificate: readFileSync(config.TEMPORAL_TLS_CA) }
            : {}),
          ...(config.TEMPORAL_TLS_SERVER_NAME ? { serverNameOverride: config.TEMPORAL_TLS_SERVER_NAME } : {}),
        }
      : config.TEMPORAL_API_KEY
        ? true
        : undefined;
  return {
    address,
    ...(tls === undefined ? {} : { tls }),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}

export async function connectClient(config: Config, address: string): Promise<Client> {
  const connection = await Connection.connect(connectionOptions(config, address));
  return new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
}

export function connectWorker(config: Config, address: string): Promise<NativeConnection> {
  return NativeConnection.connect(connectionOptions(config, address));
}
