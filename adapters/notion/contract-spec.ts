import type { OpenApiDocument } from '../../test/contract/openapi-types.js';

/**
 * Test support: Notion's MCP-server spec plus the one operation createDatabase needs and that
 * spec lacks, `POST /v1/databases` (API version 2025-09-03). Its schema is written from
 * https://developers.notion.com/reference/database-create and marked `x-somagent-source`: it
 * checks our reading of Notion's reference, not a schema Notion published. Everything else is
 * the vendor's document unchanged.
 */
export function notionContractSpec(vendor: OpenApiDocument): OpenApiDocument {
  const doc = structuredClone(vendor);
  doc.paths['/v1/databases'] = { post: createDatabase };
  return doc;
}

const richText = { type: 'array', maxItems: 100, items: { $ref: '#/components/schemas/richTextRequest' } };

const createDatabase = {
  operationId: 'create-database',
  'x-somagent-source': 'written from https://developers.notion.com/reference/database-create',
  parameters: [{ $ref: '#/components/parameters/notionVersion' }],
  requestBody: {
    required: true,
    content: {
      'application/json': {
        schema: {
          type: 'object',
          required: ['parent'],
          additionalProperties: false,
          properties: {
            parent: {
              oneOf: [
                {
                  type: 'object',
                  required: ['page_id'],
                  properties: { type: { const: 'page_id' }, page_id: { type: 'string', format: 'uuid' } },
                },
                {
                  type: 'object',
                  required: ['type', 'workspace'],
                  properties: { type: { const: 'workspace' }, workspace: { const: true } },
                },
              ],
            },
            title: richText,
            description: richText,
            is_inline: { type: 'boolean' },
            initial_data_source: {
              type: 'object',
              properties: {
                // Property name -> a configuration object keyed by the property's type.
                properties: { type: 'object', additionalProperties: { type: 'object', minProperties: 1 } },
              },
            },
            icon: {},
            cover: {},
          },
        },
      },
    },
  },
  responses: {
    '200': {
      description: 'The database, with the data source it was created with',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            required: ['object', 'id', 'data_sources'],
            properties: {
              object: { const: 'database' },
              id: { type: 'string', format: 'uuid' },
              data_sources: {
                type: 'array',
                minItems: 1,
                items: {
                  type: 'object',
                  required: ['id', 'name'],
                  properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' } },
                },
              },
            },
          },
        },
      },
    },
    '400': { $ref: '#/paths/~1v1~1pages/post/responses/400' },
  },
};
