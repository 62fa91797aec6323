import { loadSpec } from '../../test/contract/load-spec.js';
import type { OpenApiDocument } from '../../test/contract/openapi-types.js';

/**
 * Test support: Atlassian's Confluence v2 document with one fix. It declares every written body
 * (pages, blog posts, comments, custom content) as `oneOf: [BodyWrite, NestedBodyWrite]`, two
 * schemas without a required property, so any body matches both and `oneOf` rejects every one,
 * the documented `{representation: 'storage', value}` included. `anyOf` is what the API means.
 * The fix is marked `x-somagent-fix`; it belongs in test/contract/spec-fixes.ts for every user.
 */
export async function confluenceContractSpec(): Promise<OpenApiDocument> {
  const doc = structuredClone(await loadSpec('confluence'));
  walk(doc, (node) => {
    const options = node.oneOf;
    if (!Array.isArray(options) || !options.some((option) => JSON.stringify(option).includes('BodyWrite"')))
      return;
    node.anyOf = options;
    delete node.oneOf;
    node['x-somagent-fix'] = 'oneOf of two schemas that both match every body; anyOf';
  });
  return doc;
}

function walk(node: unknown, visit: (node: Record<string, unknown>) => void): void {
  if (Array.isArray(node)) for (const item of node) walk(item, visit);
  else if (node !== null && typeof node === 'object') {
    visit(node as Record<string, unknown>);
    for (const value of Object.values(node)) walk(value, visit);
  }
}
