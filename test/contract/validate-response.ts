import type { CompiledSpec } from './compiled-spec.js';
import { deref, isObject } from './openapi-types.js';
import { isJsonMedia, mediaTypeOf, pickMediaType } from './request-body.js';
import type { Operation } from './route-table.js';
import { describeErrors } from './schema-registry.js';
import type { VendorQuirks } from './vendor-quirks.js';

/** What a handler answers: a status, a body (JSON unless a Content-Type says otherwise) and headers. */
export interface ContractResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The Content-Type a handler's response goes out with. */
export function responseMedia(operation: Operation, response: ContractResponse, spec: CompiledSpec): string {
  const given = Object.entries(response.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'content-type',
  )?.[1];
  if (given) return given;
  if (Buffer.isBuffer(response.body)) return 'application/octet-stream';
  const key = defaultKeys(response.status).find((k) => operation.responses[k] !== undefined);
  const declared = key ? contentOf(spec, operation, key) : {};
  return Object.keys(declared).find((m) => isJsonMedia(mediaTypeOf(m) ?? m)) ?? 'application/json';
}

/**
 * Checks a handler's response against the operation's response for that status (exact, then
 * `2XX`, then `default`). A status the spec does not declare is a violation for success codes; an
 * undeclared 4xx/5xx passes unchecked, because every vendor also answers 401, 404, 429 or 503 where
 * its spec lists only some, and adapters must be tested against those.
 */
export function validateResponse(
  spec: CompiledSpec,
  operation: Operation,
  response: ContractResponse,
  quirks: VendorQuirks,
): string | undefined {
  const alternatives = quirks.responseKeys?.(response.status, operation);
  const declared = (alternatives ?? defaultKeys(response.status)).filter(
    (key) => operation.responses[key] !== undefined,
  );
  // The spec's rule picks the first declared key; a quirk's keys are alternatives, any may match.
  const keys = alternatives ? declared : declared.slice(0, 1);
  if (keys.length === 0) {
    if (response.status >= 400) return undefined;
    return `status ${response.status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`;
  }
  // Of several alternatives, the closest one (fewest errors) explains the mismatch best.
  let closest: Mismatch | undefined;
  for (const key of keys) {
    const mismatch = checkAgainst(spec, operation, key, response);
    if (!mismatch) return undefined;
    if (!closest || mismatch.errors < closest.errors) closest = mismatch;
  }
  return closest?.message;
}

interface Mismatch {
  message: string;
  errors: number;
}

function defaultKeys(status: number): string[] {
  const range = `${String(status)[0]}XX`;
  return [String(status), range, range.toLowerCase(), 'default'];
}

function contentOf(spec: CompiledSpec, operation: Operation, key: string): Record<string, unknown> {
  const declared = deref(spec.doc, operation.responses[key]);
  return isObject(declared) && isObject(declared.content) ? declared.content : {};
}

function checkAgainst(
  spec: CompiledSpec,
  operation: Operation,
  key: string,
  response: ContractResponse,
): Mismatch | undefined {
  const content = contentOf(spec, operation, key);
  const hasBody = response.body !== undefined && response.body !== '';
  const declared = Object.keys(content);
  const mismatch = (message: string): Mismatch => ({ message, errors: Number.MAX_SAFE_INTEGER });
  if (declared.length === 0) {
    return hasBody
      ? mismatch(`the spec declares no body for status ${key}, the handler sent one`)
      : undefined;
  }
  if (!hasBody)
    return mismatch(
      `the spec declares a ${declared.join(' or ')} body for status ${key}, the handler sent none`,
    );
  const media = mediaTypeOf(responseMedia(operation, response, spec)) ?? 'application/json';
  const mediaKey = pickMediaType(declared, media);
  if (!mediaKey)
    return mismatch(`Content-Type ${media} is not declared for status ${key} (${declared.join(', ')})`);
  const entry = content[mediaKey];
  const schema = isObject(entry) ? entry.schema : undefined;
  if (schema === undefined || Buffer.isBuffer(response.body)) return undefined;
  const validate = spec.validator(
    `${operation.pointer} response ${key} ${mediaKey}`,
    'response',
    'json',
    () => schema,
  );
  if (validate(response.body)) return undefined;
  return {
    message: `status ${key}: ${describeErrors(validate.errors, 'body')}`,
    errors: validate.errors?.length ?? 1,
  };
}
