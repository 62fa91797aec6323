import { z } from 'zod';
import type { InvokeHooks } from '../adapters/core/tool-runtime.js';
import type { Resources } from '../core/resources.js';

/** What a job's code may use: the shared resources and the tenant the job belongs to. */
export interface JobContext {
  resources: Resources;
  tenantId: string;
  jobId: string;
  /** Heartbeats and cancellation of the activity running the job. */
  hooks: InvokeHooks;
}

interface JobDefinition<I extends z.ZodType> {
  description: string;
  input: I;
  run(input: z.output<I>, context: JobContext): Promise<unknown>;
}

const defineJob = <I extends z.ZodType>(definition: JobDefinition<I>) => definition;

/**
 * The job types `POST /v1/jobs` accepts. Each is validated by the API before a workflow starts
 * and again by the activity that runs it; both use the same schema from here.
 */
export const jobCatalog = {
  echo: defineJob({
    description: 'Returns its input unchanged: the smoke test of the whole durable path.',
    input: z.record(z.string(), z.unknown()),
    run: async (input) => input,
  }),
  'postgres.stats': defineJob({
    description: "Reads the database: the tenant's record counts and the database size.",
    input: z.object({}).strict(),
    run: async (_input, { resources, tenantId }) => {
      const { rows } = await resources.pool.query<{ jobs: string; api_keys: string; database_bytes: string }>(
        `select (select count(*) from jobs where tenant_id = $1) as jobs,
                (select count(*) from api_keys where tenant_id = $1 and revoked_at is null) as api_keys,
                pg_database_size(current_database()) as database_bytes`,
        [tenantId],
      );
      const row = rows[0];
      if (!row) throw new Error('the statistics query returned no row');
      return {
        jobs: Number(row.jobs),
        apiKeys: Number(row.api_keys),
        databaseBytes: Number(row.database_bytes),
      };
    },
  }),
  'jobs.prune': defineJob({
    description:
      "Deletes the tenant's job records older than `olderThanDays` (the workflow histories stay in Temporal).",
    input: z.object({ olderThanDays: z.number().int().min(1).max(3650) }).strict(),
    run: async ({ olderThanDays }, { resources, tenantId, jobId }) => {
      const result = await resources.pool.query(
        `delete from jobs where tenant_id = $1 and id <> $2 and created_at < now() - make_interval(days => $3)`,
        [tenantId, jobId, olderThanDays],
      );
      return { deleted: result.rowCount ?? 0 };
    },
  }),
  'tool.invoke': defineJob({
    description:
      'Calls one tool operation durably (GET /v1/tools lists them); a write runs once, keyed by the job id.',
    input: z
      .object({ tool: z.string().min(1), operation: z.string().min(1), input: z.unknown().default({}) })
      .strict(),
    run: async ({ tool, operation, input }, { resources, tenantId, jobId, hooks }) => {
      const { output } = await resources.tools.invoke(
        { tenantId, tool, operation, input, idempotencyKey: jobId, workflowId: jobId },
        hooks,
      );
      return output;
    },
  }),
} as const;

export type JobType = keyof typeof jobCatalog;

export const jobTypes = Object.keys(jobCatalog) as [JobType, ...JobType[]];

export function isJobType(type: string): type is JobType {
  return Object.hasOwn(jobCatalog, type);
}
