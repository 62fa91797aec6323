import path from 'node:path';
import { packageRoot } from '../../core/paths.js';
import { loadSpecFile } from '../../test/contract/load-spec.js';
import { isObject, type OpenApiDocument } from '../../test/contract/openapi-types.js';

/** Figma's own OpenAPI description (3.1), as it ships in @figma/rest-api-spec. */
export const figmaSpecFile = path.join(
  packageRoot,
  'node_modules',
  '@figma',
  'rest-api-spec',
  'openapi',
  'openapi.yaml',
);

/**
 * Test support: Figma's published spec, corrected in one place where it contradicts its own
 * words. GET /v1/files/:key/nodes says "the nodes map may contain values that are null ... due to
 * the node id not existing", yet its schema types every value as an object. The value schema is
 * widened to allow null (marked `x-somagent-source`); everything else is as published.
 */
export async function figmaContractSpec(): Promise<OpenApiDocument> {
  const doc = structuredClone(await loadSpecFile(figmaSpecFile));
  const nodes = at(doc, [
    'components',
    'responses',
    'GetFileNodesResponse',
    'content',
    'application/json',
    'schema',
    'properties',
    'nodes',
  ]);
  if (!isObject(nodes) || !isObject(nodes.additionalProperties)) {
    throw new Error(
      'the Figma spec no longer has GetFileNodesResponse.nodes as expected; review figmaContractSpec',
    );
  }
  nodes.additionalProperties = {
    anyOf: [nodes.additionalProperties, { type: 'null' }],
    'x-somagent-source':
      'description of GET /v1/files/{file_key}/nodes: "the nodes map may contain values that are null"',
  };
  return doc;
}

function at(node: unknown, keys: string[]): unknown {
  return keys.reduce<unknown>((current, key) => (isObject(current) ? current[key] : undefined), node);
}
