import { isObject, type JsonObject, type OpenApiDocument } from '../../test/contract/openapi-types.js';

/*
 * Test support. The Plane spec (drf-spectacular, May 2025) reads Plane's APIViews, whose one GET
 * serves both a list and a single item, so it describes every list as answering ONE object and
 * declares no query parameters. Plane's API pages every list: `?per_page=&cursor=` in, and
 * `{results, next_cursor, next_page_results, ...}` out (BasePaginator.paginate in
 * plane/utils/paginator.py; developers.plane.so "Pagination"); GET .../issues/ also looks a work
 * item up by `?external_id=&external_source=` (IssueAPIEndpoint.get). A correct client would be
 * reported as breaking the contract, so the contract server gets a copy of the spec that says
 * this; the list items are still checked against the spec's own schemas. This belongs in
 * test/contract/spec-fixes.ts, which this adapter's engineer may not edit.
 */

const base = '/workspaces/{slug}';

/** The list endpoints SomaGent uses, with the schema of one item. */
const lists: Record<string, string> = {
  [`${base}/projects/`]: 'Project',
  [`${base}/projects/{project_id}/states/`]: 'State',
  [`${base}/projects/{project_id}/labels/`]: 'Label',
  [`${base}/projects/{project_id}/cycles/`]: 'Cycle',
  [`${base}/projects/{project_id}/issues/`]: 'Issue',
};

const queryParameter = (name: string, schema: JsonObject) => ({ in: 'query', name, required: false, schema });

/** The envelope of Plane's cursor paginator around items of one schema. */
function page(item: string): JsonObject {
  return {
    type: 'object',
    required: [
      'next_cursor',
      'prev_cursor',
      'next_page_results',
      'prev_page_results',
      'count',
      'total_pages',
      'results',
    ],
    properties: {
      grouped_by: { type: 'string', nullable: true },
      sub_grouped_by: { type: 'string', nullable: true },
      total_count: { type: 'integer' },
      next_cursor: { type: 'string' },
      prev_cursor: { type: 'string' },
      next_page_results: { type: 'boolean' },
      prev_page_results: { type: 'boolean' },
      count: { type: 'integer' },
      total_pages: { type: 'integer' },
      total_results: { type: 'integer' },
      extra_stats: { nullable: true },
      results: { type: 'array', items: { $ref: `#/components/schemas/${item}` } },
    },
  };
}

/** A copy of Plane's spec whose list endpoints take and answer pages as Plane does. */
export function planeSpecWithPagination(doc: OpenApiDocument): OpenApiDocument {
  const fixed = structuredClone(doc);
  for (const [path, item] of Object.entries(lists)) {
    const get = fixed.paths[path]?.get;
    if (!isObject(get)) throw new Error(`the Plane spec has no GET ${path}`);
    const parameters = Array.isArray(get.parameters) ? get.parameters : [];
    parameters.push(
      queryParameter('cursor', { type: 'string', pattern: '^\\d+:\\d+:[01]$' }),
      queryParameter('per_page', { type: 'integer', minimum: 1 }),
    );
    let schema: JsonObject = page(item);
    if (item === 'Issue') {
      parameters.push(
        queryParameter('external_id', { type: 'string', maxLength: 255 }),
        queryParameter('external_source', { type: 'string', maxLength: 255 }),
      );
      schema = { anyOf: [schema, { $ref: '#/components/schemas/Issue' }] };
    }
    get.parameters = parameters;
    get.responses = {
      '200': { description: 'A page of the list', content: { 'application/json': { schema } } },
    };
  }
  return fixed;
}
