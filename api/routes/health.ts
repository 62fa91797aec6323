import { z } from 'zod';
import { defineRoute } from '../define-route.js';
import { problems } from '../problem.js';
import { checkDependencies, checkRedis } from '../readiness.js';

const dependencyState = z.enum(['ok', 'unavailable']);

export const healthRoutes = [
  defineRoute({
    method: 'get',
    path: '/health',
    summary: 'Liveness: the process answers',
    tags: ['health'],
    auth: 'public',
    responses: { 200: { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 200, body: { status: 'ok' } }),
  }),
  defineRoute({
    method: 'get',
    path: '/ready',
    summary: 'Readiness: Temporal, PostgreSQL and Redis each answer',
    tags: ['health'],
    auth: 'public',
    responses: {
      200: {
        description: 'Every dependency answers',
        schema: z.object({
          status: z.enum(['ready', 'unavailable']),
          checks: z.object({ temporal: dependencyState, postgres: dependencyState, redis: dependencyState }),
        }),
      },
      503: { description: 'At least one dependency is down; `detail` names it' },
    },
    handler: async ({ resources }) => {
      const checks = await checkDependencies(resources);
      const down = Object.entries(checks)
        .filter(([, state]) => state !== 'ok')
        .map(([name]) => name);
      if (down.length === 0) return { status: 200, body: { status: 'ready', checks } };
      throw problems.unavailable(
        `Not ready: ${down.join(', ')} ${down.length === 1 ? 'is' : 'are'} unavailable.`,
        {
          checks,
        },
      );
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/health/redis',
    summary: 'Whether Redis answers',
    tags: ['health'],
    auth: 'member',
    responses: {
      200: { description: 'Redis answers', schema: z.object({ status: z.literal('ok') }) },
      503: { description: 'Redis does not answer', schema: z.object({ status: z.literal('unavailable') }) },
    },
    handler: async ({ resources }) => {
      const state = await checkRedis(resources);
      return { status: state === 'ok' ? 200 : 503, body: { status: state } };
    },
  }),
];
