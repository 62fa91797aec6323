import { z } from 'zod';
import { isJobType, jobCatalog, jobTypes } from '../../jobs/catalog.js';
import { IdempotencyConflict, getJob, startJob } from '../../jobs/job-service.js';
import { defineRoute } from '../define-route.js';
import { fieldErrors, problems, validationProblem } from '../problem.js';
import { idParams } from '../schemas.js';

const jobSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.enum(['queued', 'running', 'completed', 'failed']),
    createdAt: z.string(),
    result: z.unknown().optional(),
    error: z.object({ message: z.string(), type: z.string().optional() }).optional(),
    links: z.object({ self: z.string(), temporalUi: z.string() }),
  })
  .meta({ id: 'Job' });

const createJobBody = z
  .object({
    type: z
      .string()
      .min(1)
      .meta({ description: `One of: ${jobTypes.join(', ')}` }),
    input: z.record(z.string(), z.unknown()).default({}),
  })
  .strict()
  .meta({ id: 'CreateJob' });

const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .optional()
    .meta({ description: 'Repeat a POST with the same key to get the same job back' }),
});

export const jobRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/job-types',
    summary: 'The job types POST /v1/jobs accepts, with their input schemas',
    tags: ['jobs'],
    auth: 'member',
    responses: {
      200: {
        description: 'The catalog',
        schema: z.object({
          jobTypes: z.array(
            z.object({ type: z.string(), description: z.string(), inputSchema: z.unknown() }),
          ),
        }),
      },
    },
    handler: async () => ({
      status: 200,
      body: {
        jobTypes: jobTypes.map((type) => ({
          type,
          description: jobCatalog[type].description,
          inputSchema: z.toJSONSchema(jobCatalog[type].input),
        })),
      },
    }),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/jobs',
    summary: 'Start a job: a durable workflow from the job catalog',
    tags: ['jobs'],
    auth: 'member',
    request: { body: createJobBody, headers: idempotencyHeaders },
    responses: {
      202: { description: 'Queued (or, with a repeated Idempotency-Key, the first job)', schema: jobSchema },
      409: { description: 'The Idempotency-Key was used for a different request' },
    },
    handler: async ({ body, headers, principal, resources }) => {
      if (!isJobType(body.type)) {
        throw validationProblem([
          {
            in: 'body',
            path: 'type',
            message: `unknown job type "${body.type}"; known types: ${jobTypes.join(', ')}`,
          },
        ]);
      }
      const input = jobCatalog[body.type].input.safeParse(body.input);
      if (!input.success) throw validationProblem(fieldErrors(input.error, 'body', ['input']));
      try {
        const { job, replayed } = await startJob(resources, {
          tenantId: principal.tenantId,
          type: body.type,
          input: input.data,
          createdBy: principal.subject,
          ...(headers['idempotency-key'] ? { idempotencyKey: headers['idempotency-key'] } : {}),
        });
        return {
          status: 202,
          body: job,
          headers: { Location: job.links.self, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
        };
      } catch (error) {
        if (error instanceof IdempotencyConflict) {
          throw problems.conflict('This Idempotency-Key was already used for a different request.');
        }
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/jobs/{id}',
    summary: "A job's status, and its result or error",
    tags: ['jobs'],
    auth: 'member',
    request: { params: idParams },
    responses: { 200: { description: 'The job', schema: jobSchema }, 404: { description: 'No such job' } },
    handler: async ({ params, principal, resources }) => {
      const job = await getJob(resources, principal.tenantId, params.id);
      if (!job) throw problems.notFound(`No job ${params.id}.`);
      return { status: 200, body: job };
    },
  }),
];
