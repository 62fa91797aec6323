import type { Client } from '@temporalio/client';
import Long from 'long';
import proto from '@temporalio/proto';
import type { Logger } from '../core/logger.js';
import { searchAttributes } from './search-attributes.js';

const GRPC_NOT_FOUND = 5;

function grpcCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'code' in error
    ? (error as { code: number }).code
    : undefined;
}

/**
 * Makes sure the namespace exists and carries SomaGent's search attributes. The dev server gets
 * them from its flags; a self-hosted cluster gets them here; on Temporal Cloud (no operator
 * rights for API keys) a missing attribute is reported with the command that adds it.
 */
export async function ensureNamespace(client: Client, logger: Logger): Promise<void> {
  const namespace = client.options.namespace;
  const { workflowService, operatorService } = client.connection;
  try {
    await workflowService.describeNamespace({ namespace });
  } catch (error) {
    if (grpcCode(error) !== GRPC_NOT_FOUND) throw error;
    logger.info({ namespace }, 'registering the Temporal namespace');
    await workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(7 * 24 * 3600) },
    });
  }
  const wanted = Object.values(searchAttributes).map((key) => key.name);
  try {
    const existing = await operatorService.listSearchAttributes({ namespace });
    const missing = wanted.filter((name) => !(name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    await operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(
        missing.map((name) => [
          name,
          proto.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
    logger.info({ namespace, added: missing }, 'registered search attributes');
  } catch (error) {
    logger.warn(
      { err: error, namespace },
      `could not check search attributes; register them with: ${wanted
        .map(
          (name) =>
            `temporal operator search-attribute create --namespace ${namespace} --name ${name} --type Keyword`,
        )
        .join(' && ')}`,
    );
  }
}
