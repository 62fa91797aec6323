import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompiledSpec } from './compiled-spec.js';
import { collect, decodeBody, mediaTypeOf, type UploadedFile } from './request-body.js';
import type { Operation } from './route-table.js';
import { validateRequest } from './validate-request.js';
import { responseMedia, validateResponse, type ContractResponse } from './validate-response.js';
import type { ParsedRequest, VendorQuirks } from './vendor-quirks.js';
import type { Issue, Violation } from './violation.js';

/** What a handler receives: the request, validated, parameters and form fields coerced to their schema types. */
export interface ContractRequest {
  operationId: string;
  method: string;
  path: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** Lower-cased names. */
  headers: Record<string, string>;
  body: unknown;
  files: Record<string, UploadedFile | UploadedFile[]>;
}

/** A small fake of one vendor operation; its answer is checked against the spec before it is sent. */
export type ContractHandler = (request: ContractRequest) => ContractResponse | Promise<ContractResponse>;

/** One request the server received, and what it answered. */
export interface RecordedCall {
  operationId: string | undefined;
  method: string;
  path: string;
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: unknown;
  status: number;
  response: unknown;
  violations: Violation[];
}

/** What serving needs: the spec, its quirks and handlers, and where to record. */
export interface ServeContext {
  spec: CompiledSpec;
  quirks: VendorQuirks;
  basePath: string;
  handlers: Record<string, ContractHandler>;
  allowUnknownQueryParameters: boolean;
  calls: RecordedCall[];
  violations: Violation[];
}

/** Routes, checks, answers and records one request. */
export async function serveExchange(
  context: ServeContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://contract.invalid');
  const method = req.method ?? 'GET';
  const raw = await readBody(req);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const request: ParsedRequest = {
    method,
    path: url.pathname,
    params: {},
    query: collect(url.searchParams),
    headers,
    media: mediaTypeOf(headers['content-type']),
    body: undefined,
    files: {},
  };
  const call: RecordedCall = {
    operationId: undefined,
    method,
    path: url.pathname,
    params: request.params,
    query: request.query,
    headers,
    body: undefined,
    status: 0,
    response: undefined,
    violations: [],
  };
  context.calls.push(call);
  const fail = (issues: Issue[]) => {
    const found = issues.map((issue) => ({
      operationId: call.operationId,
      method,
      path: url.pathname,
      where: issue.where,
      message: issue.message,
    }));
    call.violations.push(...found);
    context.violations.push(...found);
    const status = issues[0]?.status ?? 500;
    const problem = {
      type: 'https://somagent.dev/problems/contract-violation',
      title: 'The exchange breaks the vendor API contract',
      status,
      detail: found.map((v) => `${v.where}: ${v.message}`).join('\n'),
      violations: found,
    };
    send(res, { status, body: problem, headers: { 'content-type': 'application/problem+json' } });
    call.status = status;
    call.response = problem;
  };

  const inside = stripBase(url.pathname, context.basePath);
  const match = inside === undefined ? { allowed: [] } : context.spec.routes.match(method, inside);
  if (!match.operation) {
    // Plane's paths end in '/', the others' do not; a client that gets it wrong deserves a hint.
    const toggled = inside?.endsWith('/') ? inside.slice(0, -1) : `${inside}/`;
    const near = inside !== undefined && context.spec.routes.match(method, toggled).operation;
    const message =
      match.allowed.length > 0
        ? `${method} is not an operation of this path (it has ${match.allowed.join(', ')})`
        : near
          ? `no operation in the spec for ${method} ${url.pathname}; ${near.pathTemplate} has one (mind the trailing slash)`
          : `no operation in the spec for ${method} ${url.pathname} (base path '${context.basePath}')`;
    return fail([{ where: 'route', message, status: match.allowed.length > 0 ? 405 : 404 }]);
  }
  const operation = match.operation;
  call.operationId = operation.operationId;
  Object.assign(request.params, match.pathParams);

  if (raw.length > 0) {
    const decoded = await decodeBody(raw, headers['content-type'] ?? 'application/octet-stream');
    if (!decoded.ok) return fail([{ where: 'body', message: decoded.message, status: 400 }]);
    request.body = decoded.value;
    request.files = decoded.files;
  }
  context.quirks.prepareRequest?.(request, operation);
  const issues = guard(() =>
    validateRequest(context.spec, operation, request, raw.length, {
      quirks: context.quirks,
      allowUnknownQueryParameters: context.allowUnknownQueryParameters,
    }),
  );
  call.body = request.body;
  if (issues.length > 0) return fail(issues);

  const handler = context.handlers[operation.operationId];
  if (!handler) {
    return fail([{ where: 'handler', message: `no handler for ${operation.operationId}`, status: 501 }]);
  }
  let response: ContractResponse;
  try {
    response = await handler({ operationId: operation.operationId, ...request });
  } catch (error) {
    return fail([{ where: 'handler', message: `the handler threw: ${String(error)}`, status: 500 }]);
  }
  const responseIssues = guard(() => {
    const problem = validateResponse(context.spec, operation, response, context.quirks);
    return problem ? [{ where: 'response' as const, message: problem, status: 500 }] : [];
  });
  if (responseIssues.length > 0) return fail(responseIssues);
  send(res, response, operation, context.spec);
  call.status = response.status;
  call.response = response.body;
}

// A schema the validator cannot compile (a vendor regex JavaScript rejects, say) is reported, not thrown.
function guard(check: () => Issue[]): Issue[] {
  try {
    return check();
  } catch (error) {
    return [
      { where: 'spec', message: `the spec cannot be checked here: ${(error as Error).message}`, status: 500 },
    ];
  }
}

function send(
  res: ServerResponse,
  response: ContractResponse,
  operation?: Operation,
  spec?: CompiledSpec,
): void {
  const media = operation && spec ? responseMedia(operation, response, spec) : 'application/json';
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers ?? {})) res.setHeader(name, value);
  if (response.body === undefined || response.status === 204 || response.status === 304) {
    res.end();
    return;
  }
  res.setHeader('content-type', media);
  const bare = mediaTypeOf(media) ?? '';
  const payload =
    Buffer.isBuffer(response.body) || (typeof response.body === 'string' && !/json/.test(bare))
      ? response.body
      : JSON.stringify(response.body);
  res.end(payload);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function stripBase(path: string, basePath: string): string | undefined {
  if (!basePath) return path;
  if (path === basePath) return '/';
  return path.startsWith(`${basePath}/`) ? path.slice(basePath.length) : undefined;
}
