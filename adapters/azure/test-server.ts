import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import {
  startContractServer,
  type ContractServer,
  type RecordedCall,
  type Violation,
} from '../../test/contract/contract-server.js';
import { makeTestCertificates } from '../../test/harness/test-certificates.js';
import { createArmFake, type ArmFake } from './contract-handlers.js';

/** Resource Manager and Microsoft Entra ID for the Azure SDKs, on one TLS port. */
export interface AzureTestServer {
  origin: string;
  /** The environment that points the adapter here, with the one valid service principal. */
  env: Record<string, string>;
  fake: ArmFake;
  /** Contract violations of both specs, and of the parts outside them (token endpoint, LRO status). */
  readonly violations: Violation[];
  /** Requests that reached either contract server, as it checked them. */
  readonly calls: RecordedCall[];
  /** Requests per operationId of either spec. */
  count(operationId: string): number;
  /** Forgets calls and violations (the fake's state stays). */
  reset(): void;
  /** Tokens issued, and secrets refused, by the token endpoint. */
  tokens: { issued: number; refused: number };
  stop(): Promise<void>;
}

/**
 * Starts an HTTPS server (the SDKs send bearer tokens over TLS only, and MSAL accepts only an
 * https authority) that plays two parts:
 *
 * - Microsoft Entra ID for one tenant and one service principal: the OpenID configuration and
 *   a real OAuth2 client-credentials token endpoint, which checks client id, secret, grant type
 *   and scope, and issues random opaque tokens;
 * - Resource Manager: it refuses requests without an issued token, answers the status URLs of
 *   long-running operations from the fake, and passes everything else to one of two contract
 *   servers, Microsoft.Resources 2021-04-01 or Microsoft.Compute 2021-11-01, which check each
 *   request and each answer of the fake against the published spec.
 */
export async function startAzureTestServer(
  options: { pollsToFinish?: number } = {},
): Promise<AzureTestServer> {
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `secret~${randomBytes(18).toString('base64url')}`;
  const fake = createArmFake({ subscriptionId: randomUUID(), ...options });
  const [tls, resources, compute] = await Promise.all([
    makeTestCertificates('azure-test-server'),
    startContractServer({ vendor: 'azure-resources', handlers: fake.resourcesHandlers, basePath: '' }),
    startContractServer({ vendor: 'azure-compute', handlers: fake.computeHandlers, basePath: '' }),
  ]);
  const own: Violation[] = [];
  const issued = new Set<string>();
  const tokens = { issued: 0, refused: 0 };
  let origin = '';

  const violation = (req: IncomingMessage, where: Violation['where'], message: string) =>
    own.push({
      operationId: undefined,
      method: req.method ?? 'GET',
      path: new URL(req.url ?? '/', origin).pathname,
      where,
      message,
    });

  const identity = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const openId = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    const tokenPath = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (!openId && !tokenPath) return false;
    if ((openId ?? tokenPath)?.[1] !== tenantId) {
      json(res, 400, {
        error: 'invalid_request',
        error_description: `AADSTS90002: Tenant '${(openId ?? tokenPath)?.[1] ?? ''}' not found.`,
      });
      return true;
    }
    if (openId && req.method === 'GET') {
      const authority = `${origin}/${tenantId}`;
      json(res, 200, {
        issuer: `${authority}/v2.0`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        token_endpoint_auth_methods_supported: [
          'client_secret_post',
          'private_key_jwt',
          'client_secret_basic',
        ],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        tenant_region_scope: 'EU',
      });
      return true;
    }
    if (!tokenPath || req.method !== 'POST') {
      violation(req, 'route', `${req.method ?? ''} is not a method of ${url.pathname}`);
      json(res, 405, { error: 'invalid_request' });
      return true;
    }
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    const problem = !/^application\/x-www-form-urlencoded/i.test(req.headers['content-type'] ?? '')
      ? 'the token request is not form-encoded'
      : form.get('grant_type') !== 'client_credentials'
        ? `grant_type is ${form.get('grant_type') ?? 'missing'}, not client_credentials`
        : form.get('scope') !== `${origin}/.default`
          ? `scope is ${form.get('scope') ?? 'missing'}, not the resource's ${origin}/.default`
          : undefined;
    if (problem) {
      // A malformed token request is the client's bug, unlike a wrong secret, which is the user's.
      violation(req, 'body', problem);
      json(res, 400, { error: 'invalid_request', error_description: `AADSTS900144: ${problem}` });
      return true;
    }
    if (form.get('client_id') !== clientId) {
      tokens.refused++;
      json(res, 400, {
        error: 'unauthorized_client',
        error_description: `AADSTS700016: Application with identifier '${form.get('client_id') ?? ''}' was not found in the directory.`,
        error_codes: [700016],
      });
      return true;
    }
    if (form.get('client_secret') !== clientSecret) {
      tokens.refused++;
      json(res, 401, {
        error: 'invalid_client',
        error_description: `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
        error_codes: [7000215],
      });
      return true;
    }
    const token = randomBytes(24).toString('base64url');
    issued.add(token);
    tokens.issued++;
    json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    return true;
  };

  const server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', origin);
      if (await identity(req, res, url)) return;
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token || !issued.has(token)) {
        if (!token) violation(req, 'security', 'no bearer token');
        json(res, 401, {
          error: {
            code: token ? 'InvalidAuthenticationToken' : 'AuthenticationFailed',
            message: 'The access token is invalid.',
          },
        });
        return;
      }
      const status = fake.operationStatus(url.pathname);
      if (status) {
        if (!url.searchParams.get('api-version')) violation(req, 'query', 'polling without api-version');
        res.writeHead(status.status, status.headers ?? {});
        res.end(status.body === undefined ? undefined : JSON.stringify(status.body));
        return;
      }
      const target = /\/providers\/Microsoft\.Compute\//i.test(url.pathname) ? compute : resources;
      await forward(req, res, target);
    })().catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    env: {
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: clientSecret,
      AZURE_SUBSCRIPTION_ID: fake.subscriptionId,
      AZURE_RESOURCE_MANAGER_URL: origin,
      AZURE_AUTHORITY_HOST: origin,
      AZURE_CA_CERTIFICATE: tls.ca,
    },
    fake,
    get violations() {
      return [...own, ...resources.violations, ...compute.violations];
    },
    get calls() {
      return [...resources.calls, ...compute.calls];
    },
    count: (operationId) => resources.count(operationId) + compute.count(operationId),
    reset() {
      own.length = 0;
      resources.reset();
      compute.reset();
    },
    tokens,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await Promise.all([resources.stop(), compute.stop()]);
    },
  };
}

/** Passes a request to a contract server as it came (Host included: the fake's URLs use it). */
async function forward(req: IncomingMessage, res: ServerResponse, target: ContractServer): Promise<void> {
  const body = await readBody(req);
  const answer = await new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const request = http.request(
        `${target.origin}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (response) => {
          readBody(response).then(
            (data) => resolve({ status: response.statusCode ?? 502, headers: response.headers, body: data }),
            reject,
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    },
  );
  const { connection: _connection, 'transfer-encoding': _encoding, ...headers } = answer.headers;
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}
