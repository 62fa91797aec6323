import { createHash } from 'node:crypto';
import type { BlobServiceClient } from '@azure/storage-blob';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { AzureClients } from './client.js';

const operation = defineOperation<AzureClients>();

/** The blob service of the configured connection string; operations that need one say so plainly. */
export async function blobService(client: AzureClients): Promise<BlobServiceClient> {
  const connectionString = client.credentials.storageConnectionString;
  if (!connectionString) {
    throw new ToolError(
      'auth',
      'uploadBlob needs a storage connection string: set AZURE_STORAGE_CONNECTION_STRING or storageConnectionString in the tool credentials',
    );
  }
  const { BlobServiceClient } = await import('@azure/storage-blob');
  // One SDK attempt: retries belong to the activity.
  return BlobServiceClient.fromConnectionString(connectionString, { retryOptions: { maxTries: 1 } });
}

/** Blob Storage data plane, verified against Azurite. */
export const blobOperations = {
  uploadBlob: operation({
    description:
      'Upload text or base64 data as a block blob (creating the container if asked), with the storage ' +
      'account of the configured connection string. The same name and content give the same blob.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      container: z
        .string()
        .regex(/^(?!.*--)[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'a container name: 3-63 of a-z 0-9 -'),
      blobName: z.string().min(1).max(1024),
      content: z.string(),
      encoding: z.enum(['utf8', 'base64']).default('utf8'),
      contentType: z.string().min(1).default('application/octet-stream'),
      createContainer: z.boolean().default(true),
      metadata: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).default({}),
    }),
    output: z.object({
      container: z.string(),
      blobName: z.string(),
      url: z.string(),
      size: z.number().int(),
      /** Base64 MD5 of the content (the service's, or computed here when it sends none). */
      contentMd5: z.string().optional(),
      etag: z.string().optional(),
    }),
    run: async ({ client, signal }, input) => {
      const container = (await blobService(client)).getContainerClient(input.container);
      if (input.createContainer) await container.createIfNotExists({ abortSignal: signal });
      const data = Buffer.from(input.content, input.encoding);
      const blob = container.getBlockBlobClient(input.blobName);
      const uploaded = await blob.uploadData(data, {
        abortSignal: signal,
        blobHTTPHeaders: { blobContentType: input.contentType },
        metadata: input.metadata,
      });
      const md5 = uploaded.contentMD5 ?? createHash('md5').update(data).digest();
      return {
        container: input.container,
        blobName: input.blobName,
        url: blob.url,
        size: data.byteLength,
        contentMd5: Buffer.from(md5).toString('base64'),
        ...(uploaded.etag ? { etag: uploaded.etag } : {}),
      };
    },
  }),
};
