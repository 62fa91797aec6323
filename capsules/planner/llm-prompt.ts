import { z } from 'zod';
import type { AnyAdapter } from '../../adapters/core/define-adapter.js';
import type { LoadedCapsule } from '../load-capsule.js';
import type { PlanRequest, ToolState } from './deterministic-planner.js';

const instructions = `You are the planner of SomaGent, a platform that runs project briefs as plans of tool calls.
Turn the brief into a plan, answering with JSON only, in the given schema:
- When a capsule of the library covers the brief, set "capsule" to its id, "steps" to null, and give in "inputs" the values of its inputs that the brief states.
- Only when no capsule fits, set "capsule" to null and compose "steps" from the tool operations listed: each step has an id, "uses": "<tool>.<operation>", "with": the operation's parameters, and "needs": the ids of the steps it waits for.
- Parameters may be expressions: "\${{ inputs.name }}" reads an input, "\${{ steps.<id>.output.<field> }}" reads an earlier step's output (list that step in "needs"). Put values the brief states in "inputs" and refer to them.
- A step that uses a tool which is not configured gets "if": "\${{ tools.<tool>.configured }}" when the brief treats it as optional.
- Never invent values the brief does not state (names, URLs, ids): leave them out; SomaGent asks for them.`;

/** An operation as the prompt shows it: `createIssue(teamId*, title*, description)`, * marking the required parameters. */
function signature(name: string, input: z.ZodType): string {
  const schema = z.toJSONSchema(input, { io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, unknown>;
    required?: string[];
  };
  const required = new Set(schema.required ?? []);
  const parameters = Object.keys(schema.properties ?? {}).map((key) => (required.has(key) ? `${key}*` : key));
  return `${name}(${parameters.join(', ')})`;
}

/** The chat messages that ask for a plan: the rules, then the brief, the library and the tools as JSON. */
export function planningMessages(
  request: PlanRequest,
  library: LoadedCapsule[],
  tools: ToolState[],
  adapters: AnyAdapter[],
) {
  const configured = new Map(tools.map((tool) => [tool.id, tool.configured]));
  const context = {
    brief: request.brief,
    ...(request.capsule ? { capsuleRequested: request.capsule } : {}),
    ...(request.inputs ? { inputsGiven: request.inputs } : {}),
    capsules: library
      .filter(({ capsule }) => !request.capsule || capsule.id === request.capsule)
      .map(({ capsule }) => ({
        id: capsule.id,
        title: capsule.title,
        description: capsule.description,
        tags: capsule.tags,
        tools: [...new Set(capsule.steps.map((step) => step.uses.split('.')[0]))],
        inputs: capsule.inputs,
      })),
    tools: adapters.map((adapter) => ({
      id: adapter.id,
      configured: configured.get(adapter.id) ?? false,
      operations: Object.entries(adapter.operations).map(([name, operation]) =>
        signature(name, operation.input),
      ),
    })),
  };
  return [
    { role: 'system' as const, content: instructions },
    { role: 'user' as const, content: JSON.stringify(context) },
  ];
}
