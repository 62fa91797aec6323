import type { InstancesClient, ZoneOperationsClient } from '@google-cloud/compute';
import { z } from 'zod';
import type { ErrorCategory } from '../core/errors.js';

const parsesAsKey = (text: string) => {
  try {
    const key = JSON.parse(text) as { type?: unknown };
    return typeof key.type === 'string';
  } catch {
    return false;
  }
};

/** How the adapter reaches Compute Engine: a project and one way to authenticate. */
export const gcpCredentials = z
  .object({
    projectId: z
      .string()
      .regex(/^[a-z][-a-z0-9]{4,28}[a-z0-9]$|^[0-9]{1,19}$/, 'a project id (my-project-123) or number'),
    /** A credentials JSON: a service-account key, or an authorized-user or external-account file. */
    credentials: z.string().refine(parsesAsKey, 'must be a Google credentials JSON (with "type")').optional(),
    /** An OAuth2 access token (from `gcloud auth print-access-token`, workload identity, ...). */
    accessToken: z.string().min(1).optional(),
    /** Compute API endpoint: a URL (`http://127.0.0.1:8085`, a Private Service Connect name) or host[:port]. */
    apiEndpoint: z.string().min(1).optional(),
  })
  .superRefine((value, context) => {
    if (!value.credentials && !value.accessToken) {
      context.addIssue({
        code: 'custom',
        path: ['credentials'],
        message: 'credentials or accessToken is required',
      });
    }
  });
export type GcpCredentials = z.output<typeof gcpCredentials>;

/** What the operations of the GCP adapter work with. */
export interface GcpClients {
  projectId: string;
  instances: InstancesClient;
  operations: ZoneOperationsClient;
}

/** `http://host:port`, `https://host` or `host[:port]` as the REST transport takes it. */
function endpointOptions(apiEndpoint: string | undefined) {
  if (!apiEndpoint) return {};
  const url = new URL(/^[a-z]+:\/\//i.test(apiEndpoint) ? apiEndpoint : `https://${apiEndpoint}`);
  const protocol = url.protocol.replace(':', '');
  return { apiEndpoint: url.hostname, port: Number(url.port || (protocol === 'http' ? 80 : 443)), protocol };
}

async function authOptions(credentials: GcpCredentials) {
  if (credentials.accessToken) {
    const { OAuth2Client } = await import('google-auth-library');
    const client = new OAuth2Client();
    client.setCredentials({ access_token: credentials.accessToken });
    return { authClient: client };
  }
  const key = JSON.parse(credentials.credentials ?? '{}') as Record<string, unknown>;
  // A service-account key signs its own JWT for the Compute audience (what the library does at the
  // default endpoint); without this, a custom endpoint would make it fetch a scoped token from
  // oauth2.googleapis.com instead. Other credential types need a scope to exchange for a token.
  return key.type === 'service_account'
    ? { credentials: key, scopes: undefined }
    : { credentials: key, scopes: ['https://www.googleapis.com/auth/cloud-platform'] };
}

/**
 * The SDK is imported here, not at the top: loading @google-cloud/compute takes seconds, and every
 * process that lists the adapters (API, workers) would pay that even with GCP unused.
 */
export async function connectGcp(credentials: GcpCredentials): Promise<GcpClients> {
  const [{ InstancesClient, ZoneOperationsClient }, auth] = await Promise.all([
    import('@google-cloud/compute'),
    authOptions(credentials),
  ]);
  const options = {
    projectId: credentials.projectId,
    // HTTP/1.1 and JSON to the endpoint (the REST transport), not gRPC: Compute Engine is a REST API.
    fallback: true,
    ...endpointOptions(credentials.apiEndpoint),
    ...auth,
  };
  return {
    projectId: credentials.projectId,
    instances: new InstancesClient(options),
    operations: new ZoneOperationsClient(options),
  };
}

/** Retries belong to the activity (Temporal), which sees the whole picture: one attempt per call. */
export const callOptions = { retry: null, timeout: 60_000 } as const;

// google-gax turns HTTP errors into gRPC status codes (404 → 5 NOT_FOUND, 409 → 10 ABORTED, ...).
const byGrpcCode: Record<number, ErrorCategory> = {
  1: 'transient',
  3: 'invalid_input',
  4: 'transient',
  5: 'not_found',
  6: 'conflict',
  7: 'permission',
  8: 'rate_limited',
  9: 'conflict',
  10: 'conflict',
  11: 'invalid_input',
  13: 'transient',
  14: 'transient',
  16: 'auth',
};

/** Categories of google-gax's GoogleError (gRPC codes) and of credential problems. */
export function classifyGcpError(error: unknown): ErrorCategory | undefined {
  const e = error as { code?: unknown; message?: string };
  // A GoogleError's code is a gRPC status (0-16); Node's network errors have string codes.
  if (typeof e?.code === 'number' && e.code <= 16) return byGrpcCode[e.code];
  if (/private key|DECODER routines|invalid_grant|No authentication was provided/i.test(e?.message ?? ''))
    return 'auth';
  return undefined;
}
