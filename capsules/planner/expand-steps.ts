import type { PlanTask } from '../plan.js';
import type { Capsule, CapsuleStep } from '../schema.js';

/** `steps.x.` becomes ``steps.`prefix.x`.``: task ids inside a prefix carry it. */
export function prefixStepReferences(text: string, prefix: string): string {
  return text.replace(/steps\.([a-zA-Z0-9_-]+)\./g, (_match, step: string) => `steps.\`${prefix}.${step}\`.`);
}

const whole = /^\s*\$\{\{((?:(?!\}\})[\s\S])+)\}\}\s*$/;

/**
 * The tasks of a capsule's steps, ids prefixed when the capsule is one of several in a plan or is
 * used by another capsule's step. A step that `uses: capsule:<id>` expands into that capsule's
 * tasks (recursively): their ids are `<step id>.<their step id>`, their inputs are the step's
 * `with` (resolved in the using capsule's scope, then the used capsule's defaults), the first of
 * them wait for the step's `needs`, and steps that need the capsule step wait for all of them.
 * A using step reads the used capsule's outputs as `steps.<step id>.output.<output name>`.
 */
export function expandSteps(
  capsule: Capsule,
  prefix: string | undefined,
  find: (id: string) => Capsule | undefined,
  chain: Record<string, unknown>[] = [],
  path: string[] = [capsule.id],
): { tasks: PlanTask[]; outputs: Record<string, string> } {
  const id = (stepId: string) => (prefix ? `${prefix}.${stepId}` : stepId);
  const expanded = new Map<string, { tasks: PlanTask[]; outputs: Record<string, string> }>();

  // Used capsules expand in dependency order, so a step's `with` may read an earlier one's outputs.
  const pending = capsule.steps.filter((step) => step.uses.startsWith('capsule:'));
  const isPending = (stepId: string) => pending.some((step) => step.id === stepId);
  while (pending.length > 0) {
    const index = pending.findIndex((step) => !step.needs.some(isPending));
    const [step] = pending.splice(index < 0 ? 0 : index, 1);
    if (!step) break;
    const usedId = step.uses.slice('capsule:'.length);
    if (path.includes(usedId))
      throw new Error(`capsules use each other in a cycle: ${[...path, usedId].join(' -> ')}`);
    const used = find(usedId);
    if (!used)
      throw new Error(
        `step ${id(step.id)} of ${capsule.id} uses capsule "${usedId}", which is not in the library`,
      );
    const defaults = Object.fromEntries(
      Object.entries(used.inputs.properties as Record<string, { default?: unknown }>)
        .filter(([name, property]) => property.default !== undefined && !(name in step.with))
        .map(([name, property]) => [name, property.default]),
    );
    const inner = expandSteps(
      used,
      id(step.id),
      find,
      [...chain, { ...defaults, ...(rewrite(step.with, prefix, expanded) as Record<string, unknown>) }],
      [...path, usedId],
    );
    const ids = new Set(inner.tasks.map((task) => task.id));
    for (const task of inner.tasks) {
      if (!task.needs.some((need) => ids.has(need)))
        task.needs.push(...step.needs.map((need) => taskIdsOf(need)).flat());
    }
    expanded.set(step.id, inner);
  }

  function taskIdsOf(stepId: string): string[] {
    const inner = expanded.get(stepId);
    return inner ? inner.tasks.map((task) => task.id) : [id(stepId)];
  }

  const tasks: PlanTask[] = [];
  for (const step of capsule.steps) {
    const inner = expanded.get(step.id);
    if (inner) {
      tasks.push(...inner.tasks);
      continue;
    }
    tasks.push(taskOf(step, capsule, id, prefix, expanded, chain, taskIdsOf));
  }
  const outputs = rewrite(capsule.outputs, prefix, expanded) as Record<string, string>;
  return { tasks, outputs };
}

function taskOf(
  step: CapsuleStep,
  capsule: Capsule,
  id: (stepId: string) => string,
  prefix: string | undefined,
  expanded: Map<string, { outputs: Record<string, string> }>,
  chain: Record<string, unknown>[],
  taskIdsOf: (stepId: string) => string[],
): PlanTask {
  const own = (value: unknown) => rewrite(value, prefix, expanded);
  return {
    id: id(step.id),
    uses: step.uses,
    with: own(step.with) as Record<string, unknown>,
    needs: step.needs.flatMap(taskIdsOf),
    ...(step.if ? { if: own(step.if) as string } : {}),
    ...(step.forEach ? { forEach: own(step.forEach) as string } : {}),
    ...(step.concurrency ? { concurrency: step.concurrency } : {}),
    ...(step.retry ? { retry: step.retry } : {}),
    ...(step.timeoutSeconds ? { timeoutSeconds: step.timeoutSeconds } : {}),
    ...(step.compensate !== undefined
      ? { compensate: step.compensate === false ? false : (own(step.compensate) as PlanTask['compensate']) }
      : {}),
    ...(chain.length > 0 ? { inputChain: chain } : {}),
    capsule: capsule.id,
  };
}

/**
 * A value of a capsule at `prefix`: reads of a used capsule's outputs become the expressions that
 * give them, then step references take the prefix.
 */
function rewrite(
  value: unknown,
  prefix: string | undefined,
  expanded: Map<string, { outputs: Record<string, string> }>,
): unknown {
  let text = JSON.stringify(value ?? null);
  for (const [stepId, inner] of expanded) {
    text = text.replace(
      new RegExp(`steps\\.${stepId.replace(/[-]/g, '\\-')}\\.output\\.([A-Za-z0-9_]+)`, 'g'),
      (_match, name: string) => {
        const template = inner.outputs[name];
        const expression = template === undefined ? undefined : whole.exec(template)?.[1];
        if (expression === undefined) {
          throw new Error(
            `steps.${stepId}.output.${name}: the used capsule has no output "${name}" made of one \${{ }} expression`,
          );
        }
        // The expression goes inside a JSON string: keep its quotes escaped.
        return `(${JSON.stringify(expression.trim()).slice(1, -1)})`;
      },
    );
  }
  if (prefix !== undefined) text = prefixStepReferences(text, prefix);
  return JSON.parse(text);
}
