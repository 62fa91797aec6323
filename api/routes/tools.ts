import { z } from 'zod';
import { describeAdapter } from '../../adapters/core/describe.js';
import type { Resources } from '../../core/resources.js';
import { defineRoute } from '../define-route.js';
import { fieldErrors, problems, validationProblem } from '../problem.js';
import { idParams } from '../schemas.js';

const toolSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    configured: z.boolean(),
    credentialSource: z.enum(['tenant', 'environment']).optional(),
    missing: z.array(z.string()).optional(),
    reachable: z.boolean().nullable(),
    reachabilityError: z.string().optional(),
    credentials: z.object({
      fields: z.array(z.string()),
      env: z.record(z.string(), z.string()),
      secret: z.array(z.string()),
    }),
    operations: z.array(
      z.object({
        name: z.string(),
        description: z.string(),
        kind: z.enum(['read', 'write', 'destroy']),
        idempotent: z.boolean(),
        compensation: z.string().optional(),
        inputSchema: z.unknown(),
        outputSchema: z.unknown(),
      }),
    ),
  })
  .meta({ id: 'Tool' });

const REACHABILITY_TTL_SECONDS = 60;

/** Reachability runs each adapter's connection test; the answer is cached in Redis for a minute. */
async function reachability(resources: Resources, tenantId: string, tool: string) {
  const key = `somagent:tools:reachable:${tenantId}:${tool}`;
  const cached = await resources.redis.get(key);
  if (cached) return JSON.parse(cached) as { reachable: boolean; error?: string };
  const result = await resources.tools.checkConnection(tenantId, tool);
  await resources.redis.set(key, JSON.stringify(result), 'EX', REACHABILITY_TTL_SECONDS);
  return result;
}

async function toolView(resources: Resources, tenantId: string, tool: string, check: boolean) {
  const adapter = resources.tools.get(tool);
  if (!adapter) throw problems.notFound(`No tool ${tool}.`);
  const state = await resources.tools.credentials(tenantId, adapter);
  const reach = check && state.configured ? await reachability(resources, tenantId, tool) : undefined;
  return {
    ...describeAdapter(adapter),
    configured: state.configured,
    ...(state.configured ? { credentialSource: state.source } : { missing: state.missing }),
    reachable: reach ? reach.reachable : null,
    ...(reach?.error ? { reachabilityError: reach.error } : {}),
  };
}

const checkQuery = z.object({
  check: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: "Run each configured adapter's connection test (cached for a minute)" }),
});

export const toolRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/tools',
    summary: 'Every tool adapter, its operations and schemas, and whether it is configured and reachable',
    tags: ['tools'],
    auth: 'member',
    request: { query: checkQuery },
    responses: { 200: { description: 'The tools', schema: z.object({ tools: z.array(toolSchema) }) } },
    handler: async ({ query, principal, resources }) => ({
      status: 200,
      body: {
        tools: await Promise.all(
          resources.tools
            .list()
            .map((adapter) => toolView(resources, principal.tenantId, adapter.id, query.check)),
        ),
      },
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/tools/{id}',
    summary: 'One tool adapter',
    tags: ['tools'],
    auth: 'member',
    request: { params: idParams, query: checkQuery },
    responses: { 200: { description: 'The tool', schema: toolSchema }, 404: { description: 'No such tool' } },
    handler: async ({ params, query, principal, resources }) => ({
      status: 200,
      body: await toolView(resources, principal.tenantId, params.id, query.check),
    }),
  }),
  defineRoute({
    method: 'put',
    path: '/v1/tools/{id}/credentials',
    summary: "Store the tenant's credentials for a tool (encrypted; never shown again)",
    tags: ['tools'],
    auth: 'admin',
    request: { params: idParams, body: z.record(z.string(), z.unknown()) },
    responses: { 204: { description: 'Stored' }, 404: { description: 'No such tool' } },
    handler: async ({ params, body, principal, resources }) => {
      const adapter = resources.tools.get(params.id);
      if (!adapter) throw problems.notFound(`No tool ${params.id}.`);
      const parsed = adapter.credentials.schema.safeParse(body);
      if (!parsed.success) throw validationProblem(fieldErrors(parsed.error, 'body'));
      await resources.tools.storeCredentials(
        principal.tenantId,
        adapter.id,
        parsed.data as Record<string, unknown>,
      );
      await resources.redis.del(`somagent:tools:reachable:${principal.tenantId}:${adapter.id}`);
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/tools/{id}/credentials',
    summary: "Forget the tenant's stored credentials for a tool",
    tags: ['tools'],
    auth: 'admin',
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, 404: { description: 'None stored' } },
    handler: async ({ params, principal, resources }) => {
      if (!(await resources.tools.deleteCredentials(principal.tenantId, params.id))) {
        throw problems.notFound(`No stored credentials for ${params.id}.`);
      }
      await resources.redis.del(`somagent:tools:reachable:${principal.tenantId}:${params.id}`);
      return { status: 204 };
    },
  }),
];
