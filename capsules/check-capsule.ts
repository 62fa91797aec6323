import type { AnyAdapter } from '../adapters/core/define-adapter.js';
import type { Capsule } from './schema.js';

/** A problem at a path inside a capsule document. */
export interface CapsuleIssue {
  path: (string | number)[];
  message: string;
}

const references = (value: unknown): string[] => {
  const text = JSON.stringify(value ?? null);
  return [...text.matchAll(/steps\.([a-zA-Z0-9_-]+)\./g)].map((match) => match[1] ?? '');
};

/**
 * What the schema cannot say: step ids unique, `needs` pointing at steps, no cycles, every
 * `uses` an operation some adapter has, expressions reading only steps the step depends on, and
 * `concurrency` only on forEach steps.
 */
export function checkCapsule(capsule: Capsule, adapters: Map<string, AnyAdapter>): CapsuleIssue[] {
  const issues: CapsuleIssue[] = [];
  const ids = new Map<string, number>();
  capsule.steps.forEach((step, index) => {
    if (ids.has(step.id))
      issues.push({ path: ['steps', index, 'id'], message: `duplicate step id "${step.id}"` });
    ids.set(step.id, index);
  });
  capsule.steps.forEach((step, index) => {
    step.needs.forEach((need, n) => {
      if (!ids.has(need)) issues.push({ path: ['steps', index, 'needs', n], message: `no step "${need}"` });
      if (need === step.id)
        issues.push({ path: ['steps', index, 'needs', n], message: 'a step cannot need itself' });
    });
    if (step.uses.startsWith('capsule:')) {
      for (const field of [
        'if',
        'forEach',
        'concurrency',
        'retry',
        'timeoutSeconds',
        'compensate',
      ] as const) {
        if (step[field] !== undefined)
          issues.push({
            path: ['steps', index, field],
            message: `a step that uses a capsule cannot have ${field} (put it on the used capsule's steps)`,
          });
      }
    } else {
      const [tool = '', operation = ''] = step.uses.split('.');
      const adapter = adapters.get(tool);
      if (!adapter) issues.push({ path: ['steps', index, 'uses'], message: `unknown tool "${tool}"` });
      else if (!adapter.operations[operation]) {
        issues.push({
          path: ['steps', index, 'uses'],
          message: `${tool} has no operation "${operation}" (it has ${Object.keys(adapter.operations).join(', ')})`,
        });
      }
    }
    if (step.concurrency !== undefined && step.forEach === undefined)
      issues.push({
        path: ['steps', index, 'concurrency'],
        message: 'concurrency applies only to a forEach step',
      });
    const upstream = ancestors(capsule, step.id);
    for (const [field, value] of [
      ['with', step.with],
      ['if', step.if],
      ['forEach', step.forEach],
    ] as const) {
      for (const referenced of references(value)) {
        if (!upstream.has(referenced)) {
          issues.push({
            path: ['steps', index, field],
            message: `reads steps.${referenced} but does not depend on it (add it to needs)`,
          });
        }
      }
    }
  });
  capsule.tools.forEach((tool, index) => {
    if (!adapters.has(tool)) issues.push({ path: ['tools', index], message: `unknown tool "${tool}"` });
  });
  const cycle = findCycle(capsule);
  if (cycle)
    issues.push({ path: ['steps'], message: `the steps' needs form a cycle: ${cycle.join(' -> ')}` });
  return issues;
}

function ancestors(capsule: Capsule, id: string): Set<string> {
  const byId = new Map(capsule.steps.map((step) => [step.id, step]));
  const seen = new Set<string>();
  const stack = [...(byId.get(id)?.needs ?? [])];
  while (stack.length > 0) {
    const next = stack.pop() ?? '';
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(byId.get(next)?.needs ?? []));
  }
  return seen;
}

function findCycle(capsule: Capsule): string[] | undefined {
  const byId = new Map(capsule.steps.map((step) => [step.id, step]));
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const need of byId.get(id)?.needs ?? []) {
      const cycle = visit(need);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const step of capsule.steps) {
    const cycle = visit(step.id);
    if (cycle) return cycle;
  }
  return undefined;
}
