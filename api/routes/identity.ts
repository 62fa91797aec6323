import { z } from 'zod';
import { createApiKey } from '../../identity/api-keys.js';
import { roles } from '../../identity/principal.js';
import { createTenant } from '../../identity/tenants.js';
import { defineRoute } from '../define-route.js';
import { problems } from '../problem.js';

const tenantId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

export const identityRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/me',
    summary: 'Who the credential belongs to',
    tags: ['identity'],
    auth: 'member',
    responses: {
      200: {
        description: 'The caller',
        schema: z.object({ tenantId: z.string(), role: z.enum(roles), subject: z.string(), via: z.string() }),
      },
    },
    handler: async ({ principal }) => ({ status: 200, body: principal }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/tenants',
    summary: 'Create a tenant (admins of the default tenant only)',
    tags: ['identity'],
    auth: 'admin',
    request: { body: z.object({ id: tenantId, name: z.string().min(1).max(200) }).strict() },
    responses: {
      201: {
        description: 'Created',
        schema: z.object({ id: z.string(), name: z.string(), createdAt: z.string() }),
      },
      409: { description: 'The id is taken' },
    },
    handler: async ({ body, principal, resources }) => {
      if (principal.tenantId !== resources.config.SOMAGENT_DEFAULT_TENANT) {
        throw problems.forbidden('Only admins of the default tenant create tenants.');
      }
      const tenant = await createTenant(resources.pool, body.id, body.name);
      if (!tenant) throw problems.conflict(`Tenant ${body.id} exists already.`);
      return { status: 201, body: tenant };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/api-keys',
    summary: 'Create an API key; the key is shown once, in this answer',
    tags: ['identity'],
    auth: 'admin',
    request: {
      body: z
        .object({ name: z.string().min(1).max(200), role: z.enum(roles), tenantId: tenantId.optional() })
        .strict(),
    },
    responses: {
      201: {
        description: 'Created',
        schema: z.object({
          id: z.string(),
          key: z.string(),
          prefix: z.string(),
          tenantId: z.string(),
          role: z.enum(roles),
          name: z.string(),
        }),
      },
      404: { description: 'No such tenant' },
    },
    handler: async ({ body, principal, resources }) => {
      const target = body.tenantId ?? principal.tenantId;
      if (target !== principal.tenantId && principal.tenantId !== resources.config.SOMAGENT_DEFAULT_TENANT) {
        throw problems.forbidden('Admins create keys for their own tenant only.');
      }
      const exists = await resources.pool.query('select 1 from tenants where id = $1', [target]);
      if (exists.rowCount === 0) throw problems.notFound(`No tenant ${target}.`);
      const created = await createApiKey(resources.pool, {
        tenantId: target,
        role: body.role,
        name: body.name,
      });
      return { status: 201, body: created };
    },
  }),
];
