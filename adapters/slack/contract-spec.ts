import type { OpenApiDocument } from '../../test/contract/openapi-types.js';

/**
 * Test support: Slack's published spec, bridged where it and the live API part ways. The vendor's
 * operations are kept exactly as published; two kinds of additions are marked with
 * `x-somagent-source` so a reader can tell them apart:
 *
 * 1. A POST twin of every GET method. Slack takes every Web API method as a form POST with the
 *    same arguments ("Content types: application/x-www-form-urlencoded" on each method's page),
 *    and @slack/web-api sends nothing else, while the 2021 spec declares conversations.list and
 *    auth.test GET only. The twin keeps the operationId, security and responses of the GET; its
 *    form body is the GET's query parameters.
 * 2. The upload methods that replaced files.upload (retired 2025-11-12), absent from the 2021
 *    spec: files.getUploadURLExternal, files.completeUploadExternal, and the upload URL the first
 *    one hands out. Their schemas are written from the method pages on docs.slack.dev, so they
 *    check our reading of Slack's documentation, not a schema Slack published.
 */
export function slackContractSpec(vendor: OpenApiDocument): OpenApiDocument {
  const doc = structuredClone(vendor);
  for (const item of Object.values(doc.paths)) {
    const get = item.get as Record<string, unknown> | undefined;
    if (!get || item.post) continue;
    item.post = postTwin(get);
  }
  Object.assign(doc.paths, uploadPaths);
  return doc;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: unknown;
}

function postTwin(get: Record<string, unknown>): Record<string, unknown> {
  const parameters = (get.parameters ?? []) as Parameter[];
  const fields = parameters.filter((p) => p.in === 'query' && p.name !== 'token');
  const required = fields.filter((p) => p.required).map((p) => p.name);
  return {
    ...get,
    'x-somagent-source': 'POST twin of the published GET: Slack takes every method as a form POST',
    parameters: [
      ...parameters.filter((p) => p.in !== 'query'),
      { name: 'token', in: 'header', schema: { type: 'string' } },
    ],
    requestBody: {
      content: {
        'application/x-www-form-urlencoded': {
          schema: {
            type: 'object',
            properties: Object.fromEntries(fields.map((p) => [p.name, p.schema ?? {}])),
            ...(required.length > 0 ? { required } : {}),
          },
        },
      },
    },
  };
}

const docsSource = (method: string) => `written from https://docs.slack.dev/reference/methods/${method}`;
const tokenHeader = { name: 'token', in: 'header', schema: { type: 'string' } };
const slackError = {
  description: 'Slack error envelope',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        additionalProperties: false,
        required: ['ok', 'error'],
        properties: {
          ok: { $ref: '#/components/schemas/defs_ok_false' },
          error: { type: 'string' },
          needed: { type: 'string' },
          provided: { type: 'string' },
        },
      },
    },
  },
};

const uploadPaths: Record<string, Record<string, unknown>> = {
  '/files.getUploadURLExternal': {
    post: {
      operationId: 'files_getUploadURLExternal',
      'x-somagent-source': docsSource('files.getUploadURLExternal'),
      security: [{ slackAuth: ['files:write'] }],
      parameters: [tokenHeader],
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['filename', 'length'],
              properties: {
                filename: { type: 'string', minLength: 1 },
                length: { type: 'integer', minimum: 1 },
                alt_txt: { type: 'string' },
                snippet_type: { type: 'string' },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'An upload URL and the id the file will have',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['ok', 'upload_url', 'file_id'],
                properties: {
                  ok: { $ref: '#/components/schemas/defs_ok_true' },
                  upload_url: { type: 'string', format: 'uri' },
                  file_id: { $ref: '#/components/schemas/defs_file_id' },
                },
              },
            },
          },
        },
        default: slackError,
      },
    },
  },
  // Slack hands out https://files.slack.com/upload/v1/<opaque>; a client posts the bytes there
  // without interpreting the URL, so the contract server serves it under its own base path.
  '/upload/v1/{upload_id}': {
    post: {
      operationId: 'upload_file_bytes',
      'x-somagent-source': docsSource('files.getUploadURLExternal'),
      parameters: [{ name: 'upload_id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: {
        required: true,
        content: { 'multipart/form-data': { schema: { type: 'object' } }, 'application/octet-stream': {} },
      },
      responses: {
        '200': { description: 'OK - <bytes>', content: { 'text/plain': { schema: { type: 'string' } } } },
      },
    },
  },
  '/files.completeUploadExternal': {
    post: {
      operationId: 'files_completeUploadExternal',
      'x-somagent-source': docsSource('files.completeUploadExternal'),
      security: [{ slackAuth: ['files:write'] }],
      parameters: [tokenHeader],
      requestBody: {
        content: {
          'application/x-www-form-urlencoded': {
            schema: {
              type: 'object',
              required: ['files'],
              properties: {
                files: { type: 'string', description: 'JSON array of {id, title?}' },
                channel_id: { type: 'string' },
                channels: { type: 'string' },
                initial_comment: { type: 'string' },
                thread_ts: { type: 'string' },
                blocks: { type: 'string' },
              },
            },
          },
        },
      },
      responses: {
        '200': {
          description: 'The files, shared where asked',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                additionalProperties: false,
                required: ['ok', 'files'],
                properties: {
                  ok: { $ref: '#/components/schemas/defs_ok_true' },
                  files: { type: 'array', minItems: 1, items: { $ref: '#/components/schemas/objs_file' } },
                },
              },
            },
          },
        },
        default: slackError,
      },
    },
  },
};
