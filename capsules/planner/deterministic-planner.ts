import type { LoadedCapsule } from '../load-capsule.js';
import type { Plan, PlanTask, PlanTool } from '../plan.js';
import { resolveTemplates } from '../expressions.js';
import { inputsAjv } from '../input-schema.js';
import { expandSteps } from './expand-steps.js';
import type { Capsule } from '../schema.js';
import { bm25Scores, tokenize } from './bm25.js';
import { extractValues, type ExtractedValues } from './extract-inputs.js';

export interface PlanRequest {
  brief: string;
  /** Use this capsule instead of ranking the library. */
  capsule?: string;
  inputs?: Record<string, unknown>;
}

export interface ToolState {
  id: string;
  configured: boolean;
  missing?: string[];
}

/** The text a capsule is ranked on: what it is, its tags, and the tools its steps use. */
const capsuleText = (capsule: Capsule) =>
  [
    capsule.title,
    capsule.description,
    ...capsule.tags,
    ...capsule.steps.map((step) => step.uses.split('.')[0] ?? ''),
  ].join(' ');

/** Tool ids named in the brief (by id or by a title word such as "Slack" or "EC2"). */
function toolsNamed(brief: string, tools: ToolState[]): string[] {
  const words = new Set(tokenize(brief));
  const aliases: Record<string, string[]> = {
    aws: ['aws', 'ec2'],
    kubernetes: ['kubernetes', 'k8s'],
    playwright: ['playwright', 'screenshot', 'screenshots'],
  };
  return tools.map((tool) => tool.id).filter((id) => (aliases[id] ?? [id]).some((alias) => words.has(alias)));
}

/** Fills inputs: given ones first, then what the brief states (by each property's `x-from`), then defaults. */
function resolveInputs(capsule: Capsule, extracted: ExtractedValues, given: Record<string, unknown>) {
  const inputs: Record<string, unknown> = {};
  const properties = capsule.inputs.properties as Record<string, { 'x-from'?: keyof ExtractedValues }>;
  for (const [name, property] of Object.entries(properties)) {
    const from = property['x-from'];
    const value = from ? extracted[from] : undefined;
    if (value !== undefined && !(typeof value === 'object' && Object.keys(value).length === 0))
      inputs[name] = value;
  }
  Object.assign(inputs, given);
  const validate = inputsAjv.compile(capsule.inputs);
  const problems: string[] = [];
  if (!validate(inputs)) {
    for (const error of validate.errors ?? []) {
      const field =
        error.params && 'missingProperty' in error.params
          ? String(error.params.missingProperty)
          : error.instancePath.slice(1);
      problems.push(
        error.keyword === 'required'
          ? `input "${field}" of ${capsule.id} was not found in the brief: pass it in inputs.${field}`
          : `input "${field}" of ${capsule.id} ${error.message ?? 'is invalid'}`,
      );
    }
  }
  return { inputs, problems };
}

/**
 * The deterministic planner: ranks the capsule library against the brief with BM25, adds
 * capsules for tools the brief names that the best one does not use, fills inputs from the
 * brief by clear rules, and says what is missing instead of guessing.
 */
export async function planDeterministically(
  request: PlanRequest,
  library: LoadedCapsule[],
  tools: ToolState[],
): Promise<Plan> {
  const notes: string[] = [];
  const missing: string[] = [];
  let chosen: { capsule: Capsule; score?: number }[] = [];

  if (request.capsule) {
    const found = library.find((entry) => entry.capsule.id === request.capsule);
    if (found) chosen = [{ capsule: found.capsule }];
    else missing.push(`no capsule "${request.capsule}"`);
  } else {
    const scores = bm25Scores(
      request.brief,
      library.map((entry) => capsuleText(entry.capsule)),
    );
    const ranked = library
      .map((entry, index) => ({ capsule: entry.capsule, score: scores[index] ?? 0 }))
      .filter((entry) => entry.score > 0)
      .sort((a, b) => b.score - a.score);
    const best = ranked[0];
    if (!best) {
      missing.push('the brief matches no capsule: name a capsule, or say which tools and actions you want');
    } else {
      chosen = [best];
      const covered = new Set(best.capsule.steps.map((step) => step.uses.split('.')[0]));
      for (const tool of toolsNamed(request.brief, tools).filter((id) => !covered.has(id))) {
        const extra = ranked.find(
          (entry) =>
            !chosen.includes(entry) && entry.capsule.steps.some((step) => step.uses.startsWith(`${tool}.`)),
        );
        if (extra) {
          chosen.push(extra);
          for (const step of extra.capsule.steps) covered.add(step.uses.split('.')[0]);
          notes.push(`added capsule ${extra.capsule.id} because the brief names ${tool}`);
        } else {
          notes.push(`the brief names ${tool}, but no capsule uses it`);
        }
      }
    }
  }

  const extracted = extractValues(request.brief);
  const composed = chosen.length > 1;
  const inputs: Record<string, unknown> = {};
  const tasks: PlanTask[] = [];
  const outputs: Record<string, string> = {};
  const find = (id: string) => library.find((entry) => entry.capsule.id === id)?.capsule;
  for (const { capsule } of chosen) {
    try {
      const expanded = expandSteps(capsule, composed ? capsule.id : undefined, find);
      for (const [name, template] of Object.entries(expanded.outputs))
        outputs[composed ? `${capsule.id}.${name}` : name] = template;
      tasks.push(...expanded.tasks);
    } catch (error) {
      missing.push(`capsule ${capsule.id} cannot be planned: ${(error as Error).message}`);
    }
    const resolved = resolveInputs(capsule, extracted, request.inputs ?? {});
    missing.push(...resolved.problems);
    Object.assign(inputs, resolved.inputs);
  }

  const used = new Map<string, boolean>();
  for (const task of tasks) {
    const tool = task.uses.split('.')[0] ?? '';
    const optional = task.if?.includes(`tools.${tool}.configured`) ?? false;
    used.set(tool, (used.get(tool) ?? false) || !optional);
  }
  const planTools: PlanTool[] = [...used.entries()].map(([id, required]) => {
    const state = tools.find((tool) => tool.id === id);
    return {
      id,
      required,
      configured: state?.configured ?? false,
      ...(state?.missing ? { missing: state.missing } : {}),
    };
  });
  for (const tool of planTools) {
    if (tool.required && !tool.configured) {
      missing.push(
        `tool ${tool.id} is not configured${tool.missing?.length ? `: set ${tool.missing.join(', ')}` : ''}`,
      );
    }
  }
  if (tasks.some((task) => task.forEach))
    notes.push('tasks with forEach run once per element; the estimate counts one call each');

  const budgets = chosen
    .map(({ capsule }) => capsule.policies.budget.maxCalls)
    .filter((n): n is number => n !== undefined);
  const environments = chosen.map(({ capsule }) => capsule.policies.allowedEnvironments);
  const teardowns: number[] = [];
  for (const { capsule } of chosen) {
    const setting = capsule.policies.teardownAfterHours;
    if (setting === undefined) continue;
    const hours =
      typeof setting === 'number'
        ? setting
        : Number(await resolveTemplates(setting, { inputs, steps: {}, tools: {} }));
    if (Number.isFinite(hours) && hours > 0) teardowns.push(hours);
    else missing.push(`teardownAfterHours of ${capsule.id} did not give a positive number of hours`);
  }
  return {
    version: 1,
    brief: request.brief,
    capsules: chosen.map(({ capsule, score }) => ({
      id: capsule.id,
      version: capsule.version,
      ...(score ? { score: Number(score.toFixed(3)) } : {}),
    })),
    inputs,
    tasks,
    outputs,
    tools: planTools,
    missing,
    estimatedCalls: tasks.length,
    policies: {
      ...(budgets.length ? { maxCalls: Math.min(...budgets) } : {}),
      requiresReview: chosen.some(({ capsule }) => capsule.policies.requiresReview),
      ...(teardowns.length ? { teardownAfterHours: Math.min(...teardowns) } : {}),
      allowedEnvironments: environments.length
        ? environments.reduce((a, b) => a.filter((environment) => b.includes(environment)))
        : ['dev', 'staging', 'production'],
    },
    planner: 'deterministic',
    notes,
  };
}
