import type { Vendor } from './load-spec.js';
import { isObject } from './openapi-types.js';
import type { UploadedFile } from './request-body.js';
import type { Operation } from './route-table.js';

/** A request as the validators and handlers see it. */
export interface ParsedRequest {
  method: string;
  path: string;
  /** Path parameters; coerced to their schema types once validated. */
  params: Record<string, unknown>;
  /** Query parameters (repeated keys as arrays); coerced to their schema types once validated. */
  query: Record<string, unknown>;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** Media type of the body without parameters, e.g. `application/x-www-form-urlencoded`. */
  media: string | undefined;
  /** Decoded body: JSON value, form fields (coerced to the schema types), or text; undefined if none. */
  body: unknown;
  /** Files of a multipart body by field name. */
  files: Record<string, UploadedFile | UploadedFile[]>;
}

/**
 * Where a vendor's real wire format departs from its published spec. Each quirk says what it works
 * around; a contract server for a raw `spec` has none unless given.
 */
export interface VendorQuirks {
  /** Path prefix clients send before the spec's paths when `servers` does not give it. */
  basePath?: string;
  /** Adjusts a parsed request before it is validated (and handed to the handler). */
  prepareRequest?(request: ParsedRequest, operation: Operation): void;
  /** Request media types to accept when not declared, validated with the schema of the declared type. */
  bodyMediaAliases?: Record<string, string>;
  /** Response keys to validate a status against, any one of which may match; undefined: the spec's rule. */
  responseKeys?(status: number, operation: Operation): string[] | undefined;
}

const slack: VendorQuirks = {
  prepareRequest(request, operation) {
    // The spec declares `token` a required header/query/form parameter (its 2021 form). Clients send
    // `Authorization: Bearer xoxb-…` instead, or the legacy `token` field; Slack takes either.
    const bearer = /^bearer\s+(\S+)/i.exec(request.headers.authorization ?? '')?.[1];
    const body = isObject(request.body) ? request.body : undefined;
    const token = bearer ?? request.headers.token ?? request.query.token ?? body?.token;
    if (typeof token !== 'string') return;
    request.headers.authorization ??= `Bearer ${token}`;
    for (const p of operation.parameters) {
      if (p.name !== 'token') continue;
      if (p.in === 'header') request.headers.token ??= token;
      if (p.in === 'query') request.query.token ??= token;
    }
  },
  // Slack takes JSON bodies on most write methods and multipart for files.upload, while the spec
  // converted from Swagger 2.0 keeps only the form-encoded body; the fields are the same.
  bodyMediaAliases: {
    'application/json': 'application/x-www-form-urlencoded',
    'multipart/form-data': 'application/x-www-form-urlencoded',
  },
  // Slack answers errors with HTTP 200 and `{ok: false, error}`, which the spec declares as `default`.
  responseKeys: (status) => (status === 200 ? ['200', 'default'] : undefined),
};

const plane: VendorQuirks = {
  // The spec's paths start at /workspaces; the API serves them under /api/v1 and has no `servers`.
  basePath: '/api/v1',
  // drf-spectacular documented creates as 200; Plane answers 201 Created with the same body.
  responseKeys: (status) => (status === 201 ? ['201', '200'] : undefined),
};

const discord: VendorQuirks = {
  prepareRequest(request) {
    // Multipart requests carry the JSON fields in one `payload_json` field next to the files.
    if (request.media !== 'multipart/form-data' || !isObject(request.body)) return;
    const { payload_json: payload, ...fields } = request.body;
    if (typeof payload !== 'string') return;
    try {
      const parsed: unknown = JSON.parse(payload);
      if (isObject(parsed)) request.body = { ...parsed, ...fields };
    } catch {
      // left as is: the body then fails validation with the field named
    }
  },
};

/** The quirks of each vendor (none for the others). */
export function quirksOf(vendor: Vendor): VendorQuirks {
  switch (vendor) {
    case 'slack':
      return slack;
    case 'plane':
      return plane;
    case 'discord':
      return discord;
    default:
      return {};
  }
}
