import { createHash, randomUUID } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import type { Resources } from '../core/resources.js';
import { searchAttributes } from '../temporal-config/search-attributes.js';
import type { jobWorkflow } from '../workflows/job.js';
import type { JobType } from './catalog.js';

export type JobStatus = 'queued' | 'running' | 'completed' | 'failed';

export interface JobView {
  id: string;
  type: string;
  status: JobStatus;
  createdAt: string;
  result?: unknown;
  error?: { message: string; type?: string };
  links: { self: string; temporalUi: string };
}

interface JobRow {
  id: string;
  tenant_id: string;
  type: string;
  input: unknown;
  request_hash: string;
  created_at: Date;
}

export class IdempotencyConflict extends Error {}

function requestHash(type: string, input: unknown): string {
  return createHash('sha256').update(JSON.stringify({ type, input })).digest('hex');
}

function links(resources: Resources, id: string): JobView['links'] {
  const namespace = encodeURIComponent(resources.config.TEMPORAL_NAMESPACE);
  return {
    self: `/v1/jobs/${id}`,
    temporalUi: `${resources.temporalUiUrl}/namespaces/${namespace}/workflows/${encodeURIComponent(id)}`,
  };
}

/**
 * Records a job and starts its workflow (the job id is the workflow id). With an idempotency
 * key, a repeat of the same request gets the first job back; the same key with a different
 * request is a conflict. A crash between the insert and the start is healed by the repeat.
 */
export async function startJob(
  resources: Resources,
  request: { tenantId: string; type: JobType; input: unknown; idempotencyKey?: string; createdBy: string },
): Promise<{ job: JobView; replayed: boolean }> {
  const { pool, temporal, config, metrics } = resources;
  const hash = requestHash(request.type, request.input);
  const inserted = await pool.query<JobRow>(
    `insert into jobs (id, tenant_id, type, input, idempotency_key, request_hash, created_by)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (tenant_id, idempotency_key) do nothing
     returning *`,
    [
      `job-${randomUUID()}`,
      request.tenantId,
      request.type,
      JSON.stringify(request.input),
      request.idempotencyKey ?? null,
      hash,
      /^[0-9a-f-]{36}$/.test(request.createdBy) ? request.createdBy : null,
    ],
  );
  let row = inserted.rows[0];
  const replayed = row === undefined;
  if (!row) {
    const existing = await pool.query<JobRow>(
      'select * from jobs where tenant_id = $1 and idempotency_key = $2',
      [request.tenantId, request.idempotencyKey],
    );
    row = existing.rows[0];
    if (!row) throw new Error('idempotent job vanished between insert and select');
    if (row.request_hash !== hash) throw new IdempotencyConflict();
  }

  try {
    await temporal.workflow.start<typeof jobWorkflow>('jobWorkflow', {
      workflowId: row.id,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ tenantId: row.tenant_id, type: row.type, input: row.input }],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: searchAttributes.tenant, value: row.tenant_id },
        { key: searchAttributes.kind, value: 'job' },
        { key: searchAttributes.status, value: 'queued' },
      ],
      memo: { jobType: row.type },
    });
    metrics.workflowStarts.inc({ kind: 'job' });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) {
      if (!replayed) await pool.query('delete from jobs where id = $1', [row.id]);
      throw error;
    }
  }
  const job: JobView = {
    id: row.id,
    type: row.type,
    status: 'queued',
    createdAt: row.created_at.toISOString(),
    links: links(resources, row.id),
  };
  return { job: replayed ? ((await getJob(resources, request.tenantId, row.id)) ?? job) : job, replayed };
}

/** The job as its tenant sees it, or undefined when it is not that tenant's. */
export async function getJob(
  resources: Resources,
  tenantId: string,
  id: string,
): Promise<JobView | undefined> {
  const found = await resources.pool.query<JobRow>('select * from jobs where id = $1 and tenant_id = $2', [
    id,
    tenantId,
  ]);
  const row = found.rows[0];
  if (!row) return undefined;
  const view: JobView = {
    id: row.id,
    type: row.type,
    status: 'queued',
    createdAt: row.created_at.toISOString(),
    links: links(resources, row.id),
  };
  const handle = resources.temporal.workflow.getHandle(row.id);
  let description;
  try {
    description = await handle.describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return view;
    throw error;
  }
  switch (description.status.name) {
    case 'RUNNING': {
      const phase = description.typedSearchAttributes.get(searchAttributes.status);
      return { ...view, status: phase === 'running' ? 'running' : 'queued' };
    }
    case 'COMPLETED':
      return { ...view, status: 'completed', result: await handle.result() };
    default:
      try {
        await handle.result();
        return {
          ...view,
          status: 'failed',
          error: { message: `workflow ended as ${description.status.name}` },
        };
      } catch (error) {
        const cause = error instanceof WorkflowFailedError ? (error.cause ?? error) : error;
        const root = (cause as { cause?: Error }).cause ?? cause;
        const message = root instanceof Error ? root.message : String(root);
        const type = (root as { type?: string }).type;
        return { ...view, status: 'failed', error: { message, ...(type ? { type } : {}) } };
      }
  }
}
