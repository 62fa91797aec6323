import { rootCertificates } from 'node:tls';
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { ResourceManagementClient } from '@azure/arm-resources';
import type { StorageManagementClient } from '@azure/arm-storage';
import { z } from 'zod';
import type { ErrorCategory } from '../core/errors.js';
import { pinApiVersion } from './api-versions.js';

const guid = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'must be a GUID');

/** How the adapter reaches Azure: a service principal, a subscription, and optionally another cloud. */
export const azureCredentials = z.object({
  tenantId: z.string().min(1),
  clientId: guid,
  clientSecret: z.string().min(1),
  subscriptionId: guid,
  /** Resource Manager URL of a private or sovereign cloud (or a test server); default: public Azure. */
  endpoint: z.string().url().optional(),
  /** Microsoft Entra authority of that cloud; default: login.microsoftonline.com. */
  authorityHost: z.string().url().optional(),
  /** PEM CA certificates to trust besides the public ones, for clouds behind a private CA. */
  caCertificate: z.string().includes('BEGIN CERTIFICATE').optional(),
  /** Blob data plane (uploadBlob): a storage account's connection string. */
  storageConnectionString: z.string().min(1).optional(),
});
export type AzureCredentials = z.output<typeof azureCredentials>;

/** What the operations of the Azure adapter work with: one SDK client per resource provider. */
export interface AzureClients {
  resources: ResourceManagementClient;
  compute: ComputeManagementClient;
  storage: StorageManagementClient;
  credentials: AzureCredentials;
}

const publicCloud = 'https://management.azure.com';

/** The SDKs are imported here, not at the top, so processes that never call Azure do not load them. */
export async function connectAzure(credentials: AzureCredentials): Promise<AzureClients> {
  const [
    { ComputeManagementClient },
    { ResourceManagementClient },
    { StorageManagementClient },
    { ClientSecretCredential },
  ] = await Promise.all([
    import('@azure/arm-compute'),
    import('@azure/arm-resources'),
    import('@azure/arm-storage'),
    import('@azure/identity'),
  ]);
  const endpoint = credentials.endpoint?.replace(/\/+$/, '') ?? publicCloud;
  // A cloud's ARM audience is its endpoint's origin (as arm-resources assumes); arm-compute and
  // arm-storage would ask for public Azure's audience whatever the endpoint, so all three are told.
  const scope = `${new URL(endpoint).origin}/.default`;
  const tlsOptions = credentials.caCertificate
    ? { ca: [...rootCertificates, credentials.caCertificate] }
    : undefined;
  const common = {
    // Retries belong to the activity (Temporal), which sees the whole picture.
    retryOptions: { maxRetries: 0 },
    ...(tlsOptions ? { tlsOptions } : {}),
  };
  const credential = new ClientSecretCredential(
    credentials.tenantId,
    credentials.clientId,
    credentials.clientSecret,
    {
      ...(tlsOptions ? { tlsOptions } : {}),
      ...(credentials.authorityHost
        ? // Instance discovery asks login.microsoftonline.com about the authority, which a private cloud's is not.
          { authorityHost: credentials.authorityHost, disableInstanceDiscovery: true }
        : {}),
    },
  );
  const modular = { ...common, endpoint, credentials: { scopes: [scope] } };
  return {
    resources: new ResourceManagementClient(credential, credentials.subscriptionId, {
      ...common,
      endpoint,
      credentialScopes: scope,
      apiVersion: pinnedApiVersions.resources,
    }),
    compute: new ComputeManagementClient(credential, credentials.subscriptionId, {
      ...modular,
      additionalPolicies: [{ policy: pinApiVersion(pinnedApiVersions.compute), position: 'perCall' }],
    }),
    storage: new StorageManagementClient(credential, credentials.subscriptionId, modular),
    credentials,
  };
}

/**
 * The api-versions SomaGent speaks to Resource Manager: the ones whose published specs the
 * adapter is verified against (../shared/specs/azure). The SDKs default to newer versions
 * (arm-resources 7.0.0: 2025-04-01, arm-compute 24.1.0: 2026-03-01); everything the adapter sends
 * and reads exists in the pinned versions, which Azure keeps serving.
 */
export const pinnedApiVersions = { resources: '2021-04-01', compute: '2021-11-01' } as const;

const credentialErrors = new Set([
  'AuthenticationError',
  'AuthenticationRequiredError',
  'CredentialUnavailableError',
]);

/**
 * Errors the HTTP status does not classify. A refused client secret reaches the caller as
 * @azure/identity's AuthenticationRequiredError, with no status at all.
 */
export function classifyAzureError(error: unknown): ErrorCategory | undefined {
  const e = error as { name?: string; code?: string; statusCode?: number };
  if (e?.name && credentialErrors.has(e.name)) {
    return e.statusCode !== undefined && e.statusCode >= 500 ? 'transient' : 'auth';
  }
  if (e?.code === 'AuthorizationFailed' || e?.code === 'LinkedAuthorizationFailed') return 'permission';
  if (e?.code === 'ResourceGroupNotFound' || e?.code === 'ResourceNotFound') return 'not_found';
  if (e?.code === 'OperationNotAllowed' || e?.code === 'Conflict') return 'conflict';
  return undefined;
}
