import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import {
  condition as evaluateCondition,
  resolveTemplates,
  type ExpressionScope,
} from '../../capsules/expressions.js';
import type { PlanTask } from '../../capsules/plan.js';
import { searchAttributes } from '../../temporal-config/search-attributes.js';
import {
  approveUpdate,
  cancelSignal,
  pauseSignal,
  projectQuery,
  rejectUpdate,
  resumeSignal,
  type ProjectInput,
  type ProjectState,
  type ProjectStatus,
  type TaskState,
} from './definitions.js';

const { planProject, compensateTask, saveProjectReport } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

const DEFAULT_APPROVAL_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** The tool activity of one task, with the task's own retry and timeout from its capsule. */
function toolActivity(task: PlanTask) {
  return proxyActivities<Activities>({
    startToCloseTimeout: `${task.timeoutSeconds ?? 1800} seconds`,
    heartbeatTimeout: '10 seconds',
    retry: {
      maximumAttempts: task.retry?.maxAttempts ?? 5,
      initialInterval: `${task.retry?.initialIntervalSeconds ?? 1} seconds`,
      backoffCoefficient: task.retry?.backoff ?? 2,
      maximumInterval: '5 minutes',
    },
  }).invokeTool;
}

function errorMessage(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause) return error.cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * One project: plan -> policy -> approval -> execution of the task DAG -> report. Tasks run in
 * dependency order, in parallel up to a limit of tool calls in flight that forEach elements share,
 * each call through invokeTool with an idempotency key of this workflow and the task (and the
 * element); a failure skips what depends on it, fails the project and runs the compensations of
 * completed tasks in reverse order, as does cancel. A long project continues as new between
 * tasks, carrying its state, so its history stays small.
 */
export async function kamachiqProject(input: ProjectInput): Promise<ProjectState> {
  const state: ProjectState = input.carried ?? { status: 'planning', tasks: {} };
  let paused = input.continued?.paused ?? false;
  let cancelled: { by: string; reason?: string } | undefined;
  const completionOrder: string[] =
    input.continued?.completionOrder ??
    Object.entries(state.tasks)
      .filter(([, task]) => task.status === 'completed')
      .map(([id]) => id);

  const setStatus = (status: ProjectStatus) => {
    state.status = status;
    upsertSearchAttributes([{ key: searchAttributes.status, value: status }]);
  };

  setHandler(projectQuery, () => state);
  setHandler(pauseSignal, () => {
    paused = true;
    if (state.status === 'running') setStatus('paused');
  });
  setHandler(resumeSignal, () => {
    paused = false;
    if (state.status === 'paused') setStatus('running');
  });
  setHandler(cancelSignal, (request) => {
    cancelled = request;
  });
  setHandler(
    approveUpdate,
    (request) => {
      state.approval = { by: request.by, at: new Date().toISOString(), planVersion: request.planVersion };
      return state;
    },
    {
      validator: (request) => {
        if (state.status !== 'awaiting_approval')
          throw new Error(`the project is ${state.status}, not awaiting approval`);
        if (request.role === 'member') throw new Error('approving needs the operator or admin role');
        if (request.planVersion !== state.plan?.version) {
          throw new Error(
            `plan version ${request.planVersion} is not the current one (${state.plan?.version})`,
          );
        }
      },
    },
  );
  setHandler(
    rejectUpdate,
    (request) => {
      state.rejection = { by: request.by, reason: request.reason };
      return state;
    },
    {
      validator: (request) => {
        if (state.status !== 'awaiting_approval')
          throw new Error(`the project is ${state.status}, not awaiting approval`);
        if (request.role === 'member') throw new Error('rejecting needs the operator or admin role');
      },
    },
  );

  // The report is written before the status turns final, so whoever sees the final status finds the report.
  const finish = async (status: ProjectStatus, error?: string): Promise<ProjectState> => {
    if (error) state.error = error;
    await saveProjectReport({
      projectId: input.projectId,
      tenantId: input.tenantId,
      state: { ...state, status },
    });
    setStatus(status);
    return state;
  };

  if (!state.plan) {
    setStatus('planning');
    state.plan = await planProject({
      tenantId: input.tenantId,
      brief: input.brief,
      ...(input.capsule ? { capsule: input.capsule } : {}),
      ...(input.inputs ? { inputs: input.inputs } : {}),
    });
    for (const task of state.plan.tasks) state.tasks[task.id] = { status: 'pending' };
    const capsule = state.plan.capsules[0]?.id;
    if (capsule) upsertSearchAttributes([{ key: searchAttributes.capsule, value: capsule }]);
  }
  const plan = state.plan;

  // Policy: a plan that cannot run, or would spend more calls than its budget, never asks for approval.
  if (!state.approval) {
    if (plan.missing.length > 0) return finish('failed', `the plan cannot run: ${plan.missing.join('; ')}`);
    if (plan.policies.maxCalls !== undefined && plan.estimatedCalls > plan.policies.maxCalls) {
      return finish(
        'failed',
        `the plan needs ${plan.estimatedCalls} calls; the budget allows ${plan.policies.maxCalls}`,
      );
    }
    if (input.autoApprove && !plan.policies.requiresReview) {
      state.approval = { by: 'policy:autoApprove', at: new Date().toISOString(), planVersion: plan.version };
    } else {
      setStatus('awaiting_approval');
      const decided = await condition(
        () => state.approval !== undefined || state.rejection !== undefined || cancelled !== undefined,
        `${input.approvalTimeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS} seconds`,
      );
      if (!decided) return finish('expired', 'nobody approved the plan in time');
      if (state.rejection)
        return finish('cancelled', `rejected by ${state.rejection.by}: ${state.rejection.reason}`);
      if (cancelled) return finish('cancelled', `cancelled by ${cancelled.by}`);
    }
  }

  setStatus(paused ? 'paused' : 'running');
  const parallelism = Math.max(1, input.parallelism ?? 4);
  const configured = Object.fromEntries(plan.tools.map((tool) => [tool.id, { configured: tool.configured }]));
  const scope = (): ExpressionScope => ({
    inputs: plan.inputs,
    steps: Object.fromEntries(
      Object.entries(state.tasks).map(([id, task]) => [id, { status: task.status, output: task.output }]),
    ),
    tools: configured,
  });
  /**
   * A task's scope: the plan's inputs, or for a task of a capsule used by another capsule's step,
   * the inputs its enclosing steps give (inputChain, outermost first), each resolved in the scope
   * around it.
   */
  const scopeFor = async (task: PlanTask): Promise<ExpressionScope> => {
    let taskScope = scope();
    for (const given of task.inputChain ?? [])
      taskScope = {
        ...taskScope,
        inputs: (await resolveTemplates(given, taskScope)) as Record<string, unknown>,
      };
    return taskScope;
  };
  /** The elements of a forEach task. */
  const forEachList = async (task: PlanTask, taskScope: ExpressionScope): Promise<unknown[]> => {
    const items = await resolveTemplates(
      `\${{ ${(task.forEach ?? '').replace(/^\s*\$\{\{|\}\}\s*$/g, '')} }}`,
      taskScope,
    );
    return Array.isArray(items) ? items : items === undefined ? [] : [items];
  };
  const running = new Map<string, Promise<void>>();
  let failure: string | undefined;
  /** Tasks started in this run, for continueAsNewAfterTasks. */
  let startedThisRun = 0;

  // Tool calls in flight, tasks and forEach elements together, never more than `parallelism`.
  let inFlight = 0;
  const withSlot = async <T>(call: () => Promise<T>): Promise<T> => {
    // One condition check can release several waiters: each checks again before taking a slot.
    while (inFlight >= parallelism) await condition(() => inFlight < parallelism);
    inFlight++;
    try {
      return await call();
    } finally {
      inFlight--;
    }
  };

  const runTask = async (task: PlanTask): Promise<void> => {
    const taskState: TaskState = { status: 'running', startedAt: new Date().toISOString() };
    state.tasks[task.id] = taskState;
    try {
      const taskScope = await scopeFor(task);
      if (task.if && !(await evaluateCondition(task.if, taskScope))) {
        state.tasks[task.id] = {
          ...taskState,
          status: 'skipped',
          reason: `condition "${task.if}" was false`,
          finishedAt: new Date().toISOString(),
        };
        return;
      }
      const [tool = '', operation = ''] = task.uses.split('.');
      const invoke = toolActivity(task);
      let output: unknown;
      if (task.forEach) {
        const list = await forEachList(task, taskScope);
        // The elements run in parallel: `lanes` of them each take the next element until none is
        // left, every call also holding one of the project's slots. Each element has its own key,
        // and its output goes to its own index, so the output keeps the elements' order.
        const outputs: unknown[] = list.map(() => null);
        const elements = { total: list.length, completed: 0, failed: 0 };
        taskState.elements = elements;
        let next = 0;
        let firstError: { error: unknown; index: number } | undefined;
        const lane = async () => {
          // After a failure no new element starts; those in flight finish.
          while (next < list.length && !firstError) {
            const index = next++;
            try {
              const params = await resolveTemplates(task.with, { ...taskScope, item: list[index] });
              const result = await withSlot(() =>
                invoke({
                  tenantId: input.tenantId,
                  tool,
                  operation,
                  input: params,
                  idempotencyKey: `${workflowInfo().workflowId}:${task.id}[${index}]`,
                }),
              );
              outputs[index] = result.output;
              elements.completed++;
            } catch (error) {
              elements.failed++;
              firstError ??= { error, index };
            }
          }
        };
        const lanes = Math.min(list.length, parallelism, task.concurrency ?? parallelism);
        await Promise.all(Array.from({ length: lanes }, lane));
        if (firstError) {
          // The elements that did complete stay on record, for the saga to undo.
          taskState.output = outputs;
          throw new Error(`element ${firstError.index}: ${errorMessage(firstError.error)}`);
        }
        output = outputs;
      } else {
        const params = await resolveTemplates(task.with, taskScope);
        output = (
          await withSlot(() =>
            invoke({
              tenantId: input.tenantId,
              tool,
              operation,
              input: params,
              idempotencyKey: `${workflowInfo().workflowId}:${task.id}`,
            }),
          )
        ).output;
      }
      state.tasks[task.id] = {
        ...taskState,
        status: 'completed',
        output,
        finishedAt: new Date().toISOString(),
      };
      completionOrder.push(task.id);
    } catch (error) {
      state.tasks[task.id] = {
        ...taskState,
        status: 'failed',
        error: errorMessage(error),
        finishedAt: new Date().toISOString(),
      };
      failure ??= `task ${task.id} failed: ${errorMessage(error)}`;
      // A forEach task that failed part way has elements to undo.
      if (Array.isArray(taskState.output) && taskState.output.some((element) => element !== null))
        completionOrder.push(task.id);
    }
  };

  const skipDependentsOfFailures = () => {
    let changed = true;
    while (changed) {
      changed = false;
      for (const task of plan.tasks) {
        const current = state.tasks[task.id];
        if (current?.status !== 'pending') continue;
        const blocker = task.needs.find((need) => {
          const upstream = state.tasks[need];
          return (
            upstream?.status === 'failed' ||
            (upstream?.status === 'skipped' && upstream.reason?.startsWith('needs '))
          );
        });
        if (blocker) {
          state.tasks[task.id] = { status: 'skipped', reason: `needs ${blocker}, which did not complete` };
          changed = true;
        }
      }
    }
  };

  // Continue as new when Temporal suggests it (the history is getting large) or after the
  // configured number of tasks; never before this run has done anything.
  const continueAfter =
    input.continueAsNewAfterTasks === undefined ? undefined : Math.max(1, input.continueAsNewAfterTasks);
  const continueDue = () =>
    startedThisRun > 0 &&
    (workflowInfo().continueAsNewSuggested ||
      (continueAfter !== undefined && startedThisRun >= continueAfter));

  for (;;) {
    skipDependentsOfFailures();
    const pending = plan.tasks.filter((task) => state.tasks[task.id]?.status === 'pending');
    if (pending.length === 0 && running.size === 0) break;
    if (failure || cancelled) {
      if (running.size === 0) break;
    } else if (continueDue()) {
      // Start nothing new; once the running tasks are done, the next run takes over with the
      // state, the pause and the completion order (tasks never straddle two runs).
      if (running.size === 0) {
        // The server carries the search attributes over as this run last set them.
        await condition(allHandlersFinished);
        await continueAsNew<typeof kamachiqProject>({
          ...input,
          carried: state,
          continued: { paused, completionOrder },
        });
      }
    } else if (!paused) {
      const ready = pending.filter((task) =>
        task.needs.every((need) => ['completed', 'skipped'].includes(state.tasks[need]?.status ?? '')),
      );
      for (const task of ready.slice(0, Math.max(0, parallelism - running.size))) {
        startedThisRun++;
        const promise = runTask(task).finally(() => running.delete(task.id));
        running.set(task.id, promise);
      }
      if (running.size === 0 && ready.length === 0) {
        failure ??= 'no task can start: the remaining tasks wait on each other';
        break;
      }
    }
    const before = running.size;
    const wasPaused = paused;
    const wasCancelled = cancelled;
    await condition(() => running.size < before || cancelled !== wasCancelled || paused !== wasPaused);
  }

  /**
   * Undoes one call of a task (a forEach task has one per element): the capsule's compensation
   * (templates read the call's output as `item`) or the operation's own. False when there is none.
   */
  const undoCall = async (
    task: PlanTask,
    taskScope: ExpressionScope,
    call: { key: string; item: unknown; output: unknown },
  ): Promise<boolean> => {
    if (task.compensate) {
      const [tool = '', operation = ''] = task.compensate.uses.split('.');
      await toolActivity(task)({
        tenantId: input.tenantId,
        tool,
        operation,
        input: await resolveTemplates(task.compensate.with, { ...taskScope, item: call.output }),
        idempotencyKey: call.key,
      });
      return true;
    }
    const done = await compensateTask({
      tenantId: input.tenantId,
      uses: task.uses,
      input: await resolveTemplates(task.with, { ...taskScope, item: call.item }),
      output: call.output,
      idempotencyKey: call.key,
    });
    return done.compensated;
  };

  /**
   * The saga: undo completed tasks in reverse order of completion, each compensation keyed to run
   * once; a forEach task's elements are undone one by one, last first.
   */
  const compensateCompleted = async () => {
    for (const id of [...completionOrder].reverse()) {
      const task = plan.tasks.find((candidate) => candidate.id === id);
      const taskState = state.tasks[id];
      if (!task || !taskState || task.compensate === false) continue;
      const key = `${workflowInfo().workflowId}:${id}`;
      try {
        const taskScope = await scopeFor(task);
        let undone = false;
        if (task.forEach && Array.isArray(taskState.output)) {
          const list = await forEachList(task, taskScope);
          const outputs = taskState.output as unknown[];
          for (let index = outputs.length - 1; index >= 0; index--) {
            if (outputs[index] === null) continue;
            const call = { key: `${key}[${index}]:compensate`, item: list[index], output: outputs[index] };
            undone = (await undoCall(task, taskScope, call)) || undone;
          }
        } else {
          undone = await undoCall(task, taskScope, {
            key: `${key}:compensate`,
            item: undefined,
            output: taskState.output,
          });
        }
        if (!undone) continue;
        state.tasks[id] =
          taskState.status === 'failed'
            ? { ...taskState, reason: 'the elements that completed were compensated' }
            : { ...taskState, status: 'compensated' };
      } catch (error) {
        state.error = `${state.error ? `${state.error}; ` : ''}compensation of ${id} failed: ${errorMessage(error)}`;
      }
    }
  };

  if (failure || cancelled) {
    await compensateCompleted();
    for (const task of plan.tasks) {
      if (state.tasks[task.id]?.status === 'pending')
        state.tasks[task.id] = {
          status: 'skipped',
          reason: cancelled ? 'the project was cancelled' : 'the project failed',
        };
    }
    return cancelled
      ? finish('cancelled', `cancelled by ${cancelled.by}${cancelled.reason ? `: ${cancelled.reason}` : ''}`)
      : finish('failed', failure);
  }

  state.outputs = (await resolveTemplates(plan.outputs, scope())) as Record<string, unknown>;
  const teardownHours = plan.policies.teardownAfterHours;
  if (teardownHours === undefined) return finish('completed');

  // Timed teardown: the project is complete now; a durable timer removes what it created later,
  // or at once when an operator cancels it in the meantime.
  state.teardownAt = new Date(Date.now() + teardownHours * 3_600_000).toISOString();
  await finish('completed');
  await condition(() => cancelled !== undefined, `${Math.round(teardownHours * 3_600_000)} milliseconds`);
  await compensateCompleted();
  state.tornDownAt = new Date().toISOString();
  return finish('completed');
}
