import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import {
  startDiscoveryContractServer,
  type DiscoveryContractServer,
} from '../../test/contract/discovery-contract-server.js';
import { createComputeFake, type ComputeFake } from './contract-handlers.js';

/** Compute Engine for @google-cloud/compute: the Discovery contract server over a small fake. */
export interface GcpTestServer {
  server: DiscoveryContractServer;
  fake: ComputeFake;
  /** Points the adapter here with a service-account key (the Compute API checks its self-signed JWTs). */
  env: Record<string, string>;
  /** Points the adapter here with an OAuth2 access token instead. */
  accessTokenEnv: Record<string, string>;
  stop(): Promise<void>;
}

/** The project and service account a test server serves; made beforehand when a test needs its keys early. */
export interface TestServiceAccount {
  projectId: string;
  email: string;
  keyId: string;
}

/** A project, account and key id with random names. */
export function newTestServiceAccount(): TestServiceAccount {
  const projectId = `somagent-test-${randomBytes(3).toString('hex')}`;
  return {
    projectId,
    email: `somagent-runner@${projectId}.iam.gserviceaccount.com`,
    keyId: randomBytes(20).toString('hex'),
  };
}

/** A key JSON for the same account and key id as the real one, whose signatures the server cannot verify. */
export function forgedKeyOf(account: TestServiceAccount): string {
  return serviceAccountKey(account, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey);
}

/** The audience google-auth-library signs service-account JWTs for, on Compute's requests. */
const computeAudience = 'https://compute.googleapis.com/';

/** A service-account key JSON as the Cloud console hands it out, with a fresh RSA key. */
function serviceAccountKey({ projectId, email, keyId }: TestServiceAccount, privateKey: KeyObject): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: projectId,
    private_key_id: keyId,
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: email,
    client_id: String(BigInt(`0x${randomBytes(8).toString('hex')}`)),
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: 'https://oauth2.googleapis.com/token',
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: 'googleapis.com',
  });
}

/**
 * Starts the Compute Engine v1 contract server (Discovery revision 20230606) with the fake's
 * handlers, and authenticates its requests as Google does: an access token it issued, or a JWT
 * self-signed by a service account's key (RS256, `kid` = the key id, iss = sub = the account,
 * aud = https://compute.googleapis.com/, not expired), verified with that key's public half.
 */
export async function startGcpTestServer(
  options: { account?: TestServiceAccount; pollsToFinish?: number } = {},
): Promise<GcpTestServer> {
  const account = options.account ?? newTestServiceAccount();
  const { projectId, email, keyId } = account;
  const accessToken = `ya29.${randomBytes(32).toString('base64url')}`;
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const fake = createComputeFake({
    projectId,
    ...(options.pollsToFinish ? { pollsToFinish: options.pollsToFinish } : {}),
  });

  const verifyJwt = async (token: string) => {
    try {
      if (decodeProtectedHeader(token).kid !== keyId) return false;
      await jwtVerify(token, publicKey, {
        algorithms: ['RS256'],
        issuer: email,
        subject: email,
        audience: computeAudience,
      });
      return true;
    } catch {
      return false;
    }
  };
  const server = await startDiscoveryContractServer({
    api: 'gcp-compute',
    handlers: fake.handlers,
    authenticate: async ({ headers }) => {
      const bearer = /^Bearer (\S+)$/.exec(headers.authorization ?? '')?.[1];
      if (!bearer) return false;
      return bearer === accessToken || verifyJwt(bearer);
    },
  });
  const common = { GCP_PROJECT_ID: projectId, GCP_COMPUTE_ENDPOINT: server.origin };
  return {
    server,
    fake,
    env: { ...common, GOOGLE_APPLICATION_CREDENTIALS_JSON: serviceAccountKey(account, privateKey) },
    accessTokenEnv: { ...common, GCP_ACCESS_TOKEN: accessToken },
    stop: () => server.stop(),
  };
}
