import { createHash, randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Resources } from '../core/resources.js';
import { searchAttributes } from '../temporal-config/search-attributes.js';
import type { ProjectInput, ProjectState } from '../workflows/project/definitions.js';
import { projectQuery } from '../workflows/project/definitions.js';
import type { kamachiqProject } from '../workflows/project/kamachiq-project.js';

export interface ProjectRequest {
  brief: string;
  capsule?: string;
  inputs?: Record<string, unknown>;
  autoApprove?: boolean;
  approvalTimeoutSeconds?: number;
  parallelism?: number;
}

export interface ProjectView extends ProjectState {
  id: string;
  brief: string;
  createdAt: string;
  report?: unknown;
  links: { self: string; plan: string; events: string; temporalUi: string };
}

interface ProjectRow {
  id: string;
  tenant_id: string;
  brief: string;
  request_hash: string;
  created_at: Date;
  report: unknown;
}

export class ProjectIdempotencyConflict extends Error {}

const links = (resources: Resources, id: string): ProjectView['links'] => ({
  self: `/v1/projects/${id}`,
  plan: `/v1/projects/${id}/plan`,
  events: `/v1/projects/${id}/events`,
  temporalUi: `${resources.temporalUiUrl}/namespaces/${encodeURIComponent(resources.config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(id)}`,
});

/**
 * Records the project and starts its workflow (the project id is the workflow id), once per
 * Idempotency-Key. `continueAsNewAfterTasks` is not part of the API's request: a deployment's or
 * a test's setting (see ProjectInput).
 */
export async function startProject(
  resources: Resources,
  tenantId: string,
  request: ProjectRequest,
  options: { idempotencyKey?: string; createdBy: string; continueAsNewAfterTasks?: number },
): Promise<{ id: string; replayed: boolean }> {
  const hash = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const inserted = await resources.pool.query<ProjectRow>(
    `insert into projects (id, tenant_id, brief, capsule, idempotency_key, request_hash, created_by)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict (tenant_id, idempotency_key) do nothing returning *`,
    [
      `project-${randomUUID()}`,
      tenantId,
      request.brief,
      request.capsule ?? null,
      options.idempotencyKey ?? null,
      hash,
      /^[0-9a-f-]{36}$/.test(options.createdBy) ? options.createdBy : null,
    ],
  );
  let row = inserted.rows[0];
  const replayed = !row;
  if (!row) {
    row = (
      await resources.pool.query<ProjectRow>(
        'select * from projects where tenant_id = $1 and idempotency_key = $2',
        [tenantId, options.idempotencyKey],
      )
    ).rows[0];
    if (!row) throw new Error('idempotent project vanished');
    if (row.request_hash !== hash) throw new ProjectIdempotencyConflict();
  }
  const input: ProjectInput = {
    projectId: row.id,
    tenantId,
    ...request,
    ...(options.continueAsNewAfterTasks ? { continueAsNewAfterTasks: options.continueAsNewAfterTasks } : {}),
  };
  try {
    await resources.temporal.workflow.start<typeof kamachiqProject>('kamachiqProject', {
      workflowId: row.id,
      taskQueue: resources.config.TEMPORAL_TASK_QUEUE,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: searchAttributes.tenant, value: tenantId },
        { key: searchAttributes.kind, value: 'project' },
        { key: searchAttributes.projectId, value: row.id },
        { key: searchAttributes.status, value: 'planning' },
        ...(request.capsule ? [{ key: searchAttributes.capsule, value: request.capsule }] : []),
      ],
    });
    resources.metrics.workflowStarts.inc({ kind: 'project' });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      if (!replayed) await resources.pool.query('delete from projects where id = $1', [row.id]);
      throw error;
    }
  }
  return { id: row.id, replayed };
}

/**
 * The tenant's project: live state from the workflow while it runs, its final state and report
 * after. Handles carry no run id, so they address the latest run of a project that continued as
 * new (and `result()` follows the chain); the routes that signal and update do the same.
 */
export async function getProject(
  resources: Resources,
  tenantId: string,
  id: string,
): Promise<ProjectView | undefined> {
  const row = (
    await resources.pool.query<ProjectRow>('select * from projects where id = $1 and tenant_id = $2', [
      id,
      tenantId,
    ])
  ).rows[0];
  if (!row) return undefined;
  const base = {
    id: row.id,
    brief: row.brief,
    createdAt: row.created_at.toISOString(),
    links: links(resources, row.id),
    ...(row.report ? { report: row.report } : {}),
  };
  const handle = resources.temporal.workflow.getHandle<typeof kamachiqProject>(row.id);
  try {
    const description = await handle.describe();
    const state =
      description.status.name === 'RUNNING' ? await handle.query(projectQuery) : await handle.result();
    return { ...state, ...base };
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { status: 'planning', tasks: {}, ...base };
    throw error;
  }
}

export async function listProjects(
  resources: Resources,
  tenantId: string,
  options: { limit: number; before?: string },
) {
  const { rows } = await resources.pool.query<ProjectRow>(
    `select * from projects where tenant_id = $1 and ($2::timestamptz is null or created_at < $2)
     order by created_at desc limit $3`,
    [tenantId, options.before ?? null, options.limit],
  );
  return rows;
}
