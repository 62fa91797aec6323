import { compileSpec } from './compiled-spec.js';
import { deref, isObject, type OpenApiDocument } from './openapi-types.js';

/**
 * The vendor's own example of an operation's response body for a status (`example`, or the first of
 * `examples`), as data a handler can start from; undefined if the spec gives none. Examples kept as
 * JSON text (Jira does that) are parsed. Vendors' examples do not always match their own schemas
 * (a few percent of GitHub's and Jira's do not), so the server still checks what a handler returns.
 */
export function responseExample(doc: OpenApiDocument, operationId: string, status: number | string): unknown {
  const operation = compileSpec(doc).routes.byOperationId.get(operationId);
  if (!operation) throw new Error(`the spec has no operation ${operationId}`);
  const response = deref(doc, operation.responses[String(status)]);
  if (!isObject(response) || !isObject(response.content)) return undefined;
  for (const media of Object.values(response.content)) {
    if (!isObject(media)) continue;
    let value = media.example;
    if (value === undefined && isObject(media.examples)) {
      const first = deref(doc, Object.values(media.examples)[0]);
      value = isObject(first) ? first.value : undefined;
    }
    if (value === undefined) continue;
    if (typeof value === 'string') {
      try {
        return JSON.parse(value) as unknown;
      } catch {
        return value;
      }
    }
    return structuredClone(value);
  }
  return undefined;
}
