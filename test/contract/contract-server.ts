import { createServer } from 'node:http';
import { compileSpec } from './compiled-spec.js';
import { loadSpec, loadSpecFile, type Vendor } from './load-spec.js';
import type { OpenApiDocument } from './openapi-types.js';
import {
  serveExchange,
  type ContractHandler,
  type RecordedCall,
  type ServeContext,
} from './serve-exchange.js';
import { quirksOf, type VendorQuirks } from './vendor-quirks.js';
import type { Violation } from './violation.js';
import { listenOnLoopback } from './loopback.js';

export type { ContractHandler, ContractRequest, RecordedCall } from './serve-exchange.js';
export type { ContractResponse } from './validate-response.js';
export type { Violation } from './violation.js';

/** Options of `startContractServer`: a vendor's spec by name, or any spec. */
export type ContractServerOptions = (
  { vendor: Vendor; spec?: undefined } | { vendor?: undefined; spec: OpenApiDocument | string }
) & {
  /** Handlers by operationId. An operation without one answers 501 and records a violation. */
  handlers: Record<string, ContractHandler>;
  /** Path prefix before the spec's paths; default: the path of the spec's first server URL. */
  basePath?: string;
  /** Override the vendor's quirks (vendor-quirks.ts), or give some to a raw spec. */
  quirks?: VendorQuirks;
  /** Accept query parameters the operation does not declare; default false. */
  allowUnknownQueryParameters?: boolean;
  /**
   * Serves a path outside the API on the same socket, unchecked and unrecorded (files a vendor
   * hosts elsewhere, such as rendered images); undefined lets the spec route the request.
   */
  serveOutsideSpec?(request: {
    method: string;
    path: string;
    headers: Record<string, string>;
  }): OutsideSpecResponse | undefined;
};

/** A file served next to the API by `serveOutsideSpec`. */
export interface OutsideSpecResponse {
  status: number;
  headers?: Record<string, string>;
  body: Buffer | string;
}

/** A running contract server. */
export interface ContractServer {
  /** Base URL for clients: `http://127.0.0.1:<port><basePath>`. */
  url: string;
  /** `http://127.0.0.1:<port>`. */
  origin: string;
  basePath: string;
  doc: OpenApiDocument;
  calls: RecordedCall[];
  violations: Violation[];
  /** How many requests reached this operation (valid or not). */
  count(operationId: string): number;
  /** Forgets calls and violations. */
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that behaves as the vendor's API as far as its published spec
 * says: it routes each request to an operation, checks the request against the spec, lets the
 * operation's handler answer, checks that answer against the spec, and only then sends it. Every
 * mismatch is recorded in `violations` and answered with a problem+json error (4xx for the request,
 * 500 for the handler's answer), so an adapter under test fails loudly.
 */
export async function startContractServer(options: ContractServerOptions): Promise<ContractServer> {
  const doc = options.vendor
    ? await loadSpec(options.vendor)
    : typeof options.spec === 'string'
      ? await loadSpecFile(options.spec)
      : options.spec;
  if (typeof doc.openapi !== 'string' || !doc.openapi.startsWith('3.')) {
    throw new Error('spec must be an OpenAPI 3.x document (pass a file path to convert Swagger 2.0)');
  }
  const spec = compileSpec(doc);
  const quirks = options.quirks ?? (options.vendor ? quirksOf(options.vendor) : {});
  const basePath = trimSlash(options.basePath ?? quirks.basePath ?? serverPath(doc));
  for (const operationId of Object.keys(options.handlers)) {
    if (!spec.routes.byOperationId.has(operationId)) {
      throw new Error(
        `handler for ${operationId}, which the ${options.vendor ?? 'given'} spec does not have`,
      );
    }
  }

  const calls: RecordedCall[] = [];
  const violations: Violation[] = [];
  const context: ServeContext = {
    spec,
    quirks,
    basePath,
    handlers: options.handlers,
    allowUnknownQueryParameters: options.allowUnknownQueryParameters ?? false,
    calls,
    violations,
  };
  const server = createServer((req, res) => {
    if (options.serveOutsideSpec) {
      const path = new URL(req.url ?? '/', 'http://contract.invalid').pathname;
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
      );
      const outside = options.serveOutsideSpec({ method: req.method ?? 'GET', path, headers });
      if (outside) {
        res.writeHead(outside.status, outside.headers).end(outside.body);
        return;
      }
    }
    serveExchange(context, req, res).catch((error: unknown) => {
      res.statusCode = 500;
      res.end(String(error));
    });
  });
  const { origin, stop } = await listenOnLoopback(server);
  return {
    url: origin + basePath,
    origin,
    basePath,
    doc,
    calls,
    violations,
    count: (operationId) => calls.filter((call) => call.operationId === operationId).length,
    reset() {
      calls.length = 0;
      violations.length = 0;
    },
    stop,
  };
}

function serverPath(doc: OpenApiDocument): string {
  const server = doc.servers?.[0];
  if (!server) return '';
  const url = server.url.replace(
    /\{([^}]+)\}/g,
    (_, name: string) => server.variables?.[name]?.default ?? name,
  );
  return new URL(url, 'http://contract.invalid').pathname;
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, '');
}
