/**
 * A project's plan: the tasks of the chosen capsules with their parameters still as templates
 * (resolved when each task runs, from the inputs and the outputs before it). Plain data: it goes
 * through Temporal as the planner activity's result and the workflow's query answer.
 */
export interface PlanTask {
  id: string;
  /** `tool.operation`. */
  uses: string;
  with: Record<string, unknown>;
  needs: string[];
  if?: string;
  forEach?: string;
  /** With forEach: at most this many elements at once (the project's parallelism bounds it too). */
  concurrency?: number;
  retry?: { maxAttempts: number; initialIntervalSeconds: number; backoff: number };
  timeoutSeconds?: number;
  /** The saga step that undoes this task; templates may read `output` (this task's) and `inputs`. */
  compensate?: { uses: string; with: Record<string, unknown> } | false;
  /**
   * For a task of a capsule used by another capsule's step: the `with` of each enclosing step,
   * outermost first. The task's `inputs` are these resolved one after another, starting from the
   * plan's inputs.
   */
  inputChain?: Record<string, unknown>[];
  /** The capsule the task came from. */
  capsule: string;
}

export interface PlanTool {
  id: string;
  configured: boolean;
  /** False when only conditional tasks use it (`if: tools.x.configured`). */
  required: boolean;
  missing?: string[];
}

export interface Plan {
  version: number;
  brief: string;
  capsules: { id: string; version: string; score?: number }[];
  inputs: Record<string, unknown>;
  tasks: PlanTask[];
  /** The capsules' outputs as templates, resolved when the project completes. */
  outputs: Record<string, string>;
  tools: PlanTool[];
  /** What stops the plan from running: missing inputs or credentials, said plainly. */
  missing: string[];
  estimatedCalls: number;
  policies: {
    maxCalls?: number;
    requiresReview: boolean;
    allowedEnvironments: string[];
    teardownAfterHours?: number;
  };
  planner: 'deterministic' | 'llm' | 'llm-fallback';
  notes: string[];
}
