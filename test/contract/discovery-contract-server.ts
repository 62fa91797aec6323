import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Ajv } from 'ajv';
import type { ContractResponse, RecordedCall } from './contract-server.js';
import {
  DiscoveryRoutes,
  loadDiscovery,
  methodsOf,
  type DiscoveryApi,
  type DiscoveryDocument,
  type DiscoveryMethod,
} from './discovery-document.js';
import { DiscoveryValidators } from './discovery-schemas.js';
import { collect, mediaTypeOf } from './request-body.js';
import { describeErrors } from './schema-registry.js';
import type { Issue, Violation } from './violation.js';
import { listenOnLoopback } from './loopback.js';

/** What a handler receives: a routed request whose parameters and body passed the document's checks. */
export interface DiscoveryRequest {
  /** The method's id, e.g. `compute.instances.insert`. */
  methodId: string;
  httpMethod: string;
  path: string;
  /** Path and query parameters, coerced to their declared types. */
  params: Record<string, unknown>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: unknown;
}

/** A small fake of one API method; its answer is checked against the document before it is sent. */
export type DiscoveryHandler = (request: DiscoveryRequest) => ContractResponse | Promise<ContractResponse>;

export interface DiscoveryContractServerOptions {
  /** An API kept in ../shared/specs, a Discovery document's path, or the document itself. */
  api: DiscoveryApi | string | DiscoveryDocument;
  /** Handlers by method id. A method without one answers 501 and records a violation. */
  handlers: Record<string, DiscoveryHandler>;
  /**
   * Verifies the credentials a request carries (its Authorization header or API key). False: the
   * server answers 401 UNAUTHENTICATED, which is the caller's credentials failing, not the contract.
   */
  authenticate?(request: {
    headers: Record<string, string>;
    query: Record<string, unknown>;
  }): boolean | Promise<boolean>;
}

/** A running Discovery contract server. */
export interface DiscoveryContractServer {
  /** `http://127.0.0.1:<port>`: the API's root URL (clients add the service path). */
  origin: string;
  /** Origin plus service path, without the trailing slash: `http://127.0.0.1:<port>/compute/v1`. */
  url: string;
  doc: DiscoveryDocument;
  calls: RecordedCall[];
  violations: Violation[];
  /** How many requests reached this method (valid or not). */
  count(methodId: string): number;
  /** Forgets calls and violations. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * The Discovery counterpart of `startContractServer`, for Google APIs, which publish Discovery
 * documents rather than OpenAPI: it routes each request by the document's `resources.*.methods.*`
 * (HTTP method and `flatPath`), checks its parameters (path, query and the API's global ones) and
 * body against the document, requires credentials wherever the method declares OAuth scopes, lets
 * the handler answer, checks that answer (the method's response schema; for errors, Google's JSON
 * error format), and only then sends it. Mismatches are recorded as violations and answered with
 * Google-style errors (4xx for the request, 500 for the handler's answer).
 */
export async function startDiscoveryContractServer(
  options: DiscoveryContractServerOptions,
): Promise<DiscoveryContractServer> {
  const doc = typeof options.api === 'string' ? await loadDiscovery(options.api) : options.api;
  const known = new Set(methodsOf(doc).map((method) => method.id));
  for (const methodId of Object.keys(options.handlers)) {
    if (!known.has(methodId)) throw new Error(`handler for ${methodId}, which ${doc.id} does not have`);
  }
  const routes = new DiscoveryRoutes(doc);
  const validators = new DiscoveryValidators(doc);
  const servicePath = `/${doc.servicePath.replace(/^\/+|\/+$/g, '')}/`;
  const calls: RecordedCall[] = [];
  const violations: Violation[] = [];

  const serve = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://discovery.invalid');
    const httpMethod = (req.method ?? 'GET').toUpperCase();
    const raw = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const query = systemParameters(collect(url.searchParams));
    const call: RecordedCall = {
      operationId: undefined,
      method: httpMethod,
      path: url.pathname,
      params: {},
      query,
      headers,
      body: undefined,
      status: 0,
      response: undefined,
      violations: [],
    };
    calls.push(call);
    const answer = (response: ContractResponse) => {
      call.status = response.status;
      call.response = response.body;
      send(res, response);
    };
    const fail = (issues: Issue[]) => {
      const found = issues.map((issue) => ({
        operationId: call.operationId,
        method: httpMethod,
        path: url.pathname,
        where: issue.where,
        message: issue.message,
      }));
      call.violations.push(...found);
      violations.push(...found);
      const status = issues[0]?.status ?? 500;
      const message = `The exchange breaks the ${doc.id} contract: ${found.map((v) => `${v.where}: ${v.message}`).join('; ')}`;
      answer(googleError(status, message, { status: statusNames[status] ?? 'UNKNOWN' }));
    };

    const relative = url.pathname.startsWith(servicePath)
      ? url.pathname.slice(servicePath.length)
      : undefined;
    const match = relative === undefined ? { allowed: [] } : routes.match(httpMethod, relative);
    if (!match.method) {
      const message =
        match.allowed.length > 0
          ? `${httpMethod} is not a method of this path (it has ${match.allowed.join(', ')})`
          : `no method of ${doc.id} for ${httpMethod} ${url.pathname} (service path ${servicePath})`;
      return fail([{ where: 'route', message, status: match.allowed.length > 0 ? 405 : 404 }]);
    }
    const method = match.method;
    call.operationId = method.id;

    const credentials = headers.authorization ?? query.key ?? query.access_token ?? query.oauth_token;
    if ((method.scopes?.length ?? 0) > 0 && credentials === undefined) {
      return fail([
        {
          where: 'security',
          message: `${method.id} needs OAuth credentials (scopes ${method.scopes?.join(', ')})`,
          status: 401,
        },
      ]);
    }
    if (
      credentials !== undefined &&
      options.authenticate &&
      !(await options.authenticate({ headers, query }))
    ) {
      const message =
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.';
      return answer(googleError(401, message, { status: 'UNAUTHENTICATED', reason: 'authError' }));
    }

    const params: Record<string, unknown> = { ...query, ...match.pathParams };
    const validateParams = validators.parametersOf(method);
    if (!validateParams(params)) {
      const onPath = validateParams.errors?.some((e) =>
        Object.keys(match.pathParams).some((name) => e.instancePath === `/${name}`),
      );
      return fail([
        {
          where: onPath ? 'path' : 'query',
          message: describeErrors(validateParams.errors, 'parameters'),
          status: 400,
        },
      ]);
    }
    call.params = params;

    const body = decode(raw, headers['content-type']);
    if (!body.ok) return fail([{ where: 'body', message: body.message, status: 400 }]);
    call.body = body.value;
    const bodyIssue = checkBody(validators, method, body.value);
    if (bodyIssue) return fail([bodyIssue]);

    const handler = options.handlers[method.id];
    if (!handler) return fail([{ where: 'handler', message: `no handler for ${method.id}`, status: 501 }]);
    let response: ContractResponse;
    try {
      response = await handler({
        methodId: method.id,
        httpMethod,
        path: url.pathname,
        params,
        headers,
        body: body.value,
      });
    } catch (error) {
      return fail([{ where: 'handler', message: `the handler threw: ${String(error)}`, status: 500 }]);
    }
    const responseIssue = checkResponse(validators, method, response);
    if (responseIssue) return fail([{ where: 'response', message: responseIssue, status: 500 }]);
    answer(response);
  };

  const server = createServer((req, res) => {
    serve(req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  const { origin, stop } = await listenOnLoopback(server);
  return {
    origin,
    url: origin + servicePath.slice(0, -1),
    doc,
    calls,
    violations,
    count: (methodId) => calls.filter((call) => call.operationId === methodId).length,
    reset() {
      calls.length = 0;
      violations.length = 0;
    },
    stop,
  };
}

/**
 * Google's front end takes system parameters with a `$` prefix too (`$alt`, `$prettyPrint`, `$fields`),
 * and `alt` may carry options (`json;enum-encoding=int`); both are normalised to the document's names.
 */
function systemParameters(query: Record<string, string | string[]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query)) {
    const plain = name.startsWith('$') && name !== '$.xgafv' ? name.slice(1) : name;
    out[plain] = plain === 'alt' && typeof value === 'string' ? value.split(';')[0] : value;
  }
  return out;
}

type Decoded = { ok: true; value: unknown } | { ok: false; message: string };

function decode(raw: Buffer, contentType: string | undefined): Decoded {
  if (raw.length === 0) return { ok: true, value: undefined };
  const media = mediaTypeOf(contentType);
  if (media !== 'application/json')
    return { ok: false, message: `the body is ${media ?? 'untyped'}, not application/json` };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch (error) {
    return { ok: false, message: `the body is not valid JSON: ${(error as Error).message}` };
  }
}

function checkBody(
  validators: DiscoveryValidators,
  method: DiscoveryMethod,
  body: unknown,
): Issue | undefined {
  const validate = validators.request(method);
  if (!validate) {
    // @google-cloud/compute's REST transport sends the JSON text "" as the body of methods that take
    // none (stop, wait), which Google's front end ignores; an empty object is ignored the same way.
    const empty =
      body === undefined ||
      body === '' ||
      (typeof body === 'object' && body !== null && Object.keys(body).length === 0);
    return empty ? undefined : { where: 'body', message: `${method.id} takes no request body`, status: 400 };
  }
  // A missing body is an empty message to Google; its required fields then fail as missing.
  return validate(body ?? {})
    ? undefined
    : { where: 'body', message: describeErrors(validate.errors, 'body'), status: 400 };
}

// Google's JSON error format (https://cloud.google.com/apis/design/errors), which Discovery documents do not describe.
const errorFormat = new Ajv({ allErrors: true }).compile({
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'integer' },
        message: { type: 'string' },
        status: { type: 'string' },
        errors: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              message: { type: 'string' },
              domain: { type: 'string' },
              reason: { type: 'string' },
            },
          },
        },
        details: { type: 'array' },
      },
    },
  },
});

function checkResponse(
  validators: DiscoveryValidators,
  method: DiscoveryMethod,
  response: ContractResponse,
): string | undefined {
  if (response.status >= 400) {
    if (!errorFormat(response.body))
      return `error ${response.status}: ${describeErrors(errorFormat.errors, 'body')}`;
    const code = (response.body as { error: { code: number } }).error.code;
    return code === response.status
      ? undefined
      : `error.code ${code} differs from the HTTP status ${response.status}`;
  }
  if (response.status < 200 || response.status >= 300)
    return `status ${response.status} is not an answer Google's APIs give`;
  const validate = validators.response(method);
  if (!validate)
    return response.body === undefined ? undefined : `${method.id} returns no body, the handler sent one`;
  if (response.body === undefined)
    return `${method.id} returns ${method.response?.$ref ?? 'a body'}, the handler sent none`;
  return validate(response.body)
    ? undefined
    : `status ${response.status}: ${describeErrors(validate.errors, 'body')}`;
}

const statusNames: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'ALREADY_EXISTS',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
};

/**
 * An error body in Google's format: `{ error: { code, message, errors: [{ message, domain, reason }] } }`,
 * with the canonical `status` name where given (newer APIs send it; Compute v1 sends `reason` only).
 */
export function googleError(
  code: number,
  message: string,
  options: { status?: string; reason?: string } = {},
): ContractResponse {
  const reason = options.reason ?? (options.status ?? 'error').toLowerCase();
  return {
    status: code,
    body: {
      error: {
        code,
        message,
        ...(options.status ? { status: options.status } : {}),
        errors: [{ message, domain: 'global', reason }],
      },
    },
  };
}

function send(res: ServerResponse, response: ContractResponse): void {
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.body === undefined || response.status === 204) {
    res.end();
    return;
  }
  res.setHeader('content-type', 'application/json; charset=UTF-8');
  res.end(JSON.stringify(response.body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
