import { ApplicationFailure } from '@temporalio/activity';
import { ToolError } from '../adapters/core/errors.js';
import { capsuleLibrary } from '../capsules/library.js';
import type { Plan } from '../capsules/plan.js';
import { planDeterministically, type PlanRequest } from '../capsules/planner/deterministic-planner.js';
import { createLlmPlanner } from '../capsules/planner/llm-planner.js';
import type { Resources } from '../core/resources.js';
import type { ProjectState } from '../workflows/project/definitions.js';
import { activityHooks, withPulse } from './invoke-tool.js';

/** The activities of the project workflow: planning, compensation and the report. */
export function createProjectActivities(resources: Resources) {
  const { config } = resources;
  const llm =
    config.SOMAGENT_LLM_URL && config.SOMAGENT_LLM_MODEL
      ? createLlmPlanner({
          url: config.SOMAGENT_LLM_URL,
          model: config.SOMAGENT_LLM_MODEL,
          timeoutSeconds: config.SOMAGENT_LLM_TIMEOUT_SECONDS,
          ...(config.SOMAGENT_LLM_API_KEY ? { apiKey: config.SOMAGENT_LLM_API_KEY } : {}),
        })
      : undefined;
  return {
    async planProject(request: PlanRequest & { tenantId: string }): Promise<Plan> {
      const tools = await Promise.all(
        resources.tools.list().map(async (adapter) => {
          const state = await resources.tools.credentials(request.tenantId, adapter);
          return {
            id: adapter.id,
            configured: state.configured,
            ...(state.configured ? {} : { missing: state.missing }),
          };
        }),
      );
      const adapters = resources.tools.list();
      const library = capsuleLibrary(adapters, config.SOMAGENT_CAPSULES_DIR);
      const { tenantId: _tenant, ...planRequest } = request;
      if (!llm) return planDeterministically(planRequest, library, tools);
      return withPulse(() => llm.plan(planRequest, { library, tools, adapters }));
    },

    /**
     * Undoes a completed task with its operation's own compensation (e.g. terminate what
     * runInstances launched), keyed so a retried compensation runs once.
     */
    async compensateTask(request: {
      tenantId: string;
      uses: string;
      input: unknown;
      output: unknown;
      idempotencyKey: string;
    }): Promise<{ compensated: boolean; uses?: string }> {
      const [tool = '', operation = ''] = request.uses.split('.');
      const compensation = resources.tools.get(tool)?.operations[operation]?.compensate;
      if (!compensation) return { compensated: false };
      await withPulse(() =>
        resources.tools.invoke(
          {
            tenantId: request.tenantId,
            tool,
            operation: compensation.operation,
            input: compensation.input(request.input, request.output),
            idempotencyKey: request.idempotencyKey,
          },
          activityHooks(),
        ),
      ).catch((error: unknown) => {
        // Already gone is what compensation wanted.
        if (error instanceof ToolError && error.category === 'not_found') return;
        throw error;
      });
      return { compensated: true, uses: `${tool}.${compensation.operation}` };
    },

    async saveProjectReport(request: {
      projectId: string;
      tenantId: string;
      state: ProjectState;
    }): Promise<void> {
      const { state } = request;
      const tasks = Object.entries(state.tasks).map(([id, task]) => ({
        id,
        uses: state.plan?.tasks.find((planned) => planned.id === id)?.uses,
        ...task,
        durationMs:
          task.startedAt && task.finishedAt
            ? Date.parse(task.finishedAt) - Date.parse(task.startedAt)
            : undefined,
      }));
      const { rows } = await resources.pool.query<{ calls: string }>(
        'select count(*) as calls from tool_calls where tenant_id = $1 and workflow_id = $2',
        [request.tenantId, request.projectId],
      );
      const report = {
        status: state.status,
        tasks,
        outputs: state.outputs ?? {},
        calls: Number(rows[0]?.calls ?? 0),
        error: state.error,
      };
      const updated = await resources.pool.query(
        'update projects set report = $3, finished_at = now() where id = $1 and tenant_id = $2',
        [request.projectId, request.tenantId, JSON.stringify(report)],
      );
      if (updated.rowCount === 0)
        throw ApplicationFailure.nonRetryable(`no project record ${request.projectId}`);
    },
  };
}
