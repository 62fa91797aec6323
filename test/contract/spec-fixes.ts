import type { Vendor } from './load-spec.js';
import { isObject, type OpenApiDocument } from './openapi-types.js';

/**
 * Corrects published specs where they contradict the vendor's documented wire format, so that a
 * correct client is not reported as breaking the contract. Each fix names the evidence. The fixes
 * change the in-memory document only.
 */
export function applySpecFixes(vendor: Vendor, doc: OpenApiDocument): OpenApiDocument {
  if (vendor === 'notion') fixNotion(doc);
  return doc;
}

/**
 * Notion's spec ships with its MCP server, which passes nested objects as JSON text: `icon` and
 * `cover` are `{type: string, format: json}` and `POST /v1/pages` has `children: string[]`. The REST
 * API (and @notionhq/client) sends them as JSON objects, as the descriptions themselves say ("an
 * array of block objects"). Fixed: `format: json` accepts any JSON value; `children` items are objects.
 */
function fixNotion(doc: OpenApiDocument): void {
  walk(doc.paths, (node) => {
    if (node.format === 'json' && node.type === 'string') {
      delete node.type;
      delete node.format;
    }
    const children = isObject(node.properties) ? node.properties.children : undefined;
    if (isObject(children) && isObject(children.items) && children.items.type === 'string') {
      children.items = { type: 'object' };
    }
  });
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (isObject(node)) {
    visit(node);
    for (const value of Object.values(node)) walk(value, visit);
  }
}
