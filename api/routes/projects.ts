import { WorkflowUpdateFailedError } from '@temporalio/client';
import { z } from 'zod';
import { capsuleLibrary } from '../../capsules/library.js';
import {
  getProject,
  listProjects,
  ProjectIdempotencyConflict,
  startProject,
} from '../../projects/project-service.js';
import {
  approveUpdate,
  cancelSignal,
  pauseSignal,
  rejectUpdate,
  resumeSignal,
} from '../../workflows/project/definitions.js';
import { partialInputErrors } from '../../capsules/input-schema.js';
import { defineRoute } from '../define-route.js';
import { problems, validationProblem } from '../problem.js';
import { idParams } from '../schemas.js';

const createProjectBody = z
  .object({
    brief: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters'),
    capsule: z.string().min(1).optional(),
    inputs: z.record(z.string(), z.unknown()).optional(),
    autoApprove: z.boolean().optional(),
    approvalTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 24 * 3600)
      .optional(),
    parallelism: z.number().int().min(1).max(64).optional(),
  })
  .strict()
  .meta({ id: 'CreateProject' });

const projectView = z
  .object({
    id: z.string(),
    status: z.enum([
      'planning',
      'awaiting_approval',
      'running',
      'paused',
      'completed',
      'failed',
      'cancelled',
      'expired',
    ]),
    brief: z.string(),
    createdAt: z.string(),
    plan: z.unknown().optional(),
    tasks: z.record(z.string(), z.unknown()),
    error: z.string().optional(),
    outputs: z.record(z.string(), z.unknown()).optional(),
    report: z.unknown().optional(),
    links: z.record(z.string(), z.string()),
  })
  .meta({ id: 'Project' });

const terminal = new Set(['completed', 'failed', 'cancelled', 'expired']);

/** Starting, watching and steering KAMACHIQ projects. */
export const projectRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/projects',
    summary: 'Start a project from a brief: plan, policy, approval, durable execution, report',
    tags: ['projects'],
    auth: 'member',
    request: {
      body: createProjectBody,
      headers: z.object({ 'idempotency-key': z.string().min(1).max(255).optional() }),
    },
    responses: {
      202: {
        description: 'Started',
        schema: z.object({ id: z.string(), status: z.string(), links: z.record(z.string(), z.string()) }),
      },
      409: { description: 'The Idempotency-Key was used for a different request' },
    },
    handler: async ({ body, headers, principal, resources }) => {
      if (body.capsule) {
        const capsule = capsuleLibrary(resources.tools.list(), resources.config.SOMAGENT_CAPSULES_DIR).find(
          (entry) => entry.capsule.id === body.capsule,
        )?.capsule;
        if (!capsule)
          throw validationProblem([{ in: 'body', path: 'capsule', message: `no capsule "${body.capsule}"` }]);
        if (body.inputs) {
          // Only the inputs given are checked here; required ones may still come from the brief.
          const errors = partialInputErrors(capsule, body.inputs);
          if (errors.length > 0) {
            throw validationProblem(
              errors.map((error) => ({
                in: 'body' as const,
                path: `inputs${error.instancePath.replace(/\//g, '.')}`,
                message: error.message ?? 'invalid',
              })),
            );
          }
        }
      }
      try {
        const { id, replayed } = await startProject(resources, principal.tenantId, body, {
          createdBy: principal.subject,
          ...(headers['idempotency-key'] ? { idempotencyKey: headers['idempotency-key'] } : {}),
        });
        const project = await getProject(resources, principal.tenantId, id);
        return {
          status: 202,
          headers: { Location: `/v1/projects/${id}`, ...(replayed ? { 'Idempotent-Replayed': 'true' } : {}) },
          body: { id, status: project?.status ?? 'planning', links: project?.links ?? {} },
        };
      } catch (error) {
        if (error instanceof ProjectIdempotencyConflict)
          throw problems.conflict('This Idempotency-Key was already used for a different request.');
        throw error;
      }
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects',
    summary: "The tenant's projects, newest first",
    tags: ['projects'],
    auth: 'member',
    request: {
      query: z.object({
        status: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(50).default(20),
        before: z.iso
          .datetime()
          .optional()
          .meta({ description: 'createdAt of the last project of the previous page' }),
      }),
    },
    responses: {
      200: {
        description: 'A page of projects',
        schema: z.object({ projects: z.array(z.unknown()), next: z.string().optional() }),
      },
    },
    handler: async ({ query, principal, resources }) => {
      const rows = await listProjects(resources, principal.tenantId, {
        limit: query.limit,
        ...(query.before ? { before: query.before } : {}),
      });
      const views = await Promise.all(rows.map((row) => getProject(resources, principal.tenantId, row.id)));
      const projects = views
        .filter((view) => view && (!query.status || view.status === query.status))
        .map((view) => ({
          id: view?.id,
          status: view?.status,
          brief: view?.brief,
          createdAt: view?.createdAt,
          links: view?.links,
        }));
      const last = rows[rows.length - 1];
      return {
        status: 200,
        body: {
          projects,
          ...(rows.length === query.limit && last ? { next: last.created_at.toISOString() } : {}),
        },
      };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/{id}',
    summary: 'A project: status, tasks with their state and outputs, and the report when done',
    tags: ['projects'],
    auth: 'member',
    request: { params: idParams },
    responses: {
      200: { description: 'The project', schema: projectView },
      404: { description: 'No such project' },
    },
    handler: async ({ params, principal, resources }) => {
      const project = await getProject(resources, principal.tenantId, params.id);
      if (!project) throw problems.notFound(`No project ${params.id}.`);
      return { status: 200, body: project };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/projects/{id}/plan',
    summary: "A project's plan",
    tags: ['projects'],
    auth: 'member',
    request: { params: idParams },
    responses: {
      200: { description: 'The plan' },
      404: { description: 'No such project, or not planned yet' },
    },
    handler: async ({ params, principal, resources }) => {
      const project = await getProject(resources, principal.tenantId, params.id);
      if (!project) throw problems.notFound(`No project ${params.id}.`);
      if (!project.plan) throw problems.notFound(`Project ${params.id} is still planning.`);
      return { status: 200, body: project.plan };
    },
  }),
  ...(['approve', 'reject'] as const).map((action) =>
    defineRoute({
      method: 'post',
      path: `/v1/projects/{id}/${action}`,
      summary:
        action === 'approve'
          ? 'Approve the plan (operators and admins)'
          : 'Reject the plan (operators and admins)',
      tags: ['projects'],
      auth: 'operator',
      request: {
        params: idParams,
        body: z
          .object({
            planVersion: z.number().int().min(1).default(1),
            reason: z.string().max(2000).default(''),
          })
          .strict(),
      },
      responses: {
        200: { description: 'Done' },
        404: { description: 'No such project' },
        409: { description: 'Not awaiting approval' },
      },
      handler: async ({ params, body, principal, resources }) => {
        if (!(await getProject(resources, principal.tenantId, params.id)))
          throw problems.notFound(`No project ${params.id}.`);
        const handle = resources.temporal.workflow.getHandle(params.id);
        try {
          const state =
            action === 'approve'
              ? await handle.executeUpdate(approveUpdate, {
                  args: [{ by: principal.subject, role: principal.role, planVersion: body.planVersion }],
                })
              : await handle.executeUpdate(rejectUpdate, {
                  args: [{ by: principal.subject, role: principal.role, reason: body.reason || 'rejected' }],
                });
          return { status: 200, body: { id: params.id, status: state.status } };
        } catch (error) {
          if (error instanceof WorkflowUpdateFailedError)
            throw problems.conflict(error.cause?.message ?? error.message);
          throw error;
        }
      },
    }),
  ),
  ...(['pause', 'resume', 'cancel'] as const).map((action) =>
    defineRoute({
      method: 'post',
      path: `/v1/projects/{id}/${action}`,
      summary: `${action[0]?.toUpperCase()}${action.slice(1)} a project (operators and admins)`,
      tags: ['projects'],
      auth: 'operator',
      request: { params: idParams },
      responses: {
        202: { description: 'Signalled' },
        404: { description: 'No such project' },
        409: { description: 'The project has ended' },
      },
      handler: async ({ params, principal, resources }) => {
        const project = await getProject(resources, principal.tenantId, params.id);
        if (!project) throw problems.notFound(`No project ${params.id}.`);
        // A completed project waiting for its timed teardown can still be cancelled: that tears it down now.
        const teardownPending = project.teardownAt !== undefined && project.tornDownAt === undefined;
        if (terminal.has(project.status) && !(action === 'cancel' && teardownPending)) {
          throw problems.conflict(`Project ${params.id} has ended (${project.status}).`);
        }
        const handle = resources.temporal.workflow.getHandle(params.id);
        if (action === 'pause') await handle.signal(pauseSignal);
        else if (action === 'resume') await handle.signal(resumeSignal);
        else await handle.signal(cancelSignal, { by: principal.subject });
        return { status: 202, body: { id: params.id, signal: action } };
      },
    }),
  ),
  defineRoute({
    method: 'get',
    path: '/v1/projects/{id}/events',
    summary: "Server-Sent Events: the project's state each time it changes, until it ends",
    tags: ['projects'],
    auth: 'member',
    request: { params: idParams },
    responses: {
      200: { description: 'text/event-stream of `state` events', contentType: 'text/event-stream' },
    },
    handler: async ({ params, principal, resources, req, res }) => {
      const first = await getProject(resources, principal.tenantId, params.id);
      if (!first) throw problems.notFound(`No project ${params.id}.`);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        Connection: 'keep-alive',
      });
      let closed = false;
      req.on('close', () => (closed = true));
      let last = '';
      let project: typeof first | undefined = first;
      for (let n = 0; !closed && project; n++) {
        const text = JSON.stringify({
          status: project.status,
          tasks: project.tasks,
          error: project.error,
          outputs: project.outputs,
        });
        if (text !== last) {
          res.write(`event: state\nid: ${n}\ndata: ${text}\n\n`);
          last = text;
        }
        if (terminal.has(project.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
        project = await getProject(resources, principal.tenantId, params.id);
      }
      res.end();
      return { status: 200, handled: true };
    },
  }),
];
