import OpenAI from 'openai';
import type { AnyAdapter } from '../../adapters/core/define-adapter.js';
import { checkCapsule } from '../check-capsule.js';
import { partialInputErrors } from '../input-schema.js';
import type { LoadedCapsule } from '../load-capsule.js';
import type { Plan } from '../plan.js';
import { capsuleSchema, type Capsule } from '../schema.js';
import { planDeterministically, type PlanRequest, type ToolState } from './deterministic-planner.js';
import { llmAnswerJsonSchema, llmAnswerSchema, type LlmAnswer } from './llm-answer.js';
import { planningMessages } from './llm-prompt.js';

/** Where the LLM is: any OpenAI-compatible chat completions endpoint. */
export interface LlmSettings {
  /** Base URL, e.g. `https://api.openai.com/v1` or `http://127.0.0.1:8000/v1`. */
  url: string;
  model: string;
  /** Unset: no Authorization header (local servers). */
  apiKey?: string;
  timeoutSeconds: number;
  /** Retries of failed requests (429, 5xx, connection errors); the SDK's default is 2. */
  maxRetries?: number;
}

/** What the planners plan from: the capsule library, the tools' states and the adapters. */
export interface PlanningContext {
  library: LoadedCapsule[];
  tools: ToolState[];
  adapters: AnyAdapter[];
}

/** The id of a capsule the LLM composed from tool operations. */
export const COMPOSED_CAPSULE_ID = 'composed-plan';

class Rejected extends Error {}

/** The first problems of an answer, as `path: message; ...`. */
const listIssues = (issues: { path: PropertyKey[]; message: string }[], whole = '') =>
  issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || whole}: ${issue.message}`)
    .join('; ');

/**
 * The LLM planner: asks the model for a capsule choice (or composed steps) constrained by a JSON
 * Schema, validates the answer against the capsule schema, the adapter registry and the chosen
 * capsule's inputs, and turns it into a plan with the same code as the deterministic planner.
 * Whatever goes wrong (the endpoint, the JSON, the schema, an unknown capsule or operation)
 * falls back to the deterministic planner, and the plan says so and why.
 */
export function createLlmPlanner(settings: LlmSettings) {
  // The vendor's own SDK: it speaks the wire format, retries 429 and 5xx with backoff and times out.
  const client = new OpenAI({
    baseURL: settings.url,
    apiKey: settings.apiKey ?? 'unused',
    timeout: settings.timeoutSeconds * 1000,
    maxRetries: settings.maxRetries ?? 2,
    ...(settings.apiKey ? {} : { defaultHeaders: { Authorization: null } }),
  });

  async function ask(request: PlanRequest, context: PlanningContext): Promise<LlmAnswer> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await client.chat.completions.create({
        model: settings.model,
        messages: planningMessages(request, context.library, context.tools, context.adapters),
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'somagent_plan', schema: llmAnswerJsonSchema(), strict: false },
        },
        temperature: 0,
      });
    } catch (error) {
      throw new Rejected(
        `the LLM endpoint failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const choice = completion.choices[0];
    if (!choice) throw new Rejected('the LLM endpoint answered without a choice');
    if (choice.message.refusal) throw new Rejected(`the model refused: ${choice.message.refusal}`);
    if (choice.finish_reason === 'length')
      throw new Rejected('the answer was cut off (finish_reason "length")');
    let json: unknown;
    try {
      json = JSON.parse(choice.message.content ?? '');
    } catch {
      throw new Rejected('the answer is not JSON');
    }
    const parsed = llmAnswerSchema.safeParse(json);
    if (!parsed.success) {
      throw new Rejected(
        `the answer does not match the plan schema: ${listIssues(parsed.error.issues, '(answer)')}`,
      );
    }
    return parsed.data;
  }

  /** The capsule the answer points at: one of the library, or one made of the composed steps. */
  function capsuleOf(answer: LlmAnswer, request: PlanRequest, context: PlanningContext): Capsule {
    const registry = new Map(context.adapters.map((adapter) => [adapter.id, adapter]));
    if (answer.steps) {
      if (request.capsule)
        throw new Rejected(`the request names capsule ${request.capsule}, the model composed steps`);
      const parsed = capsuleSchema.safeParse({
        id: COMPOSED_CAPSULE_ID,
        version: '0.0.0',
        title: 'Plan composed by the LLM',
        description: request.brief.slice(0, 4000),
        persona: 'planner',
        inputs: {
          type: 'object',
          properties: Object.fromEntries(Object.keys(answer.inputs).map((key) => [key, {}])),
        },
        steps: answer.steps,
      });
      if (!parsed.success) {
        throw new Rejected(`the composed steps are not a valid capsule: ${listIssues(parsed.error.issues)}`);
      }
      const issues = checkCapsule(parsed.data, registry);
      const nested = parsed.data.steps.findIndex((step) => step.uses.startsWith('capsule:'));
      if (nested >= 0)
        issues.push({ path: ['steps', nested, 'uses'], message: 'choose a capsule instead of nesting one' });
      if (issues.length > 0) {
        throw new Rejected(`the composed steps do not check out: ${listIssues(issues)}`);
      }
      return parsed.data;
    }
    const id = answer.capsule ?? '';
    if (request.capsule && id !== request.capsule)
      throw new Rejected(`the request names capsule ${request.capsule}, the model chose ${id}`);
    const found = context.library.find((entry) => entry.capsule.id === id);
    if (!found) throw new Rejected(`the model chose capsule "${id}", which is not in the library`);
    return found.capsule;
  }

  /** The answer's inputs that the capsule declares, checked against their schemas (required ones may still be missing). */
  function inputsFor(capsule: Capsule, answer: LlmAnswer): Record<string, unknown> {
    const declared = capsule.inputs.properties as Record<string, unknown>;
    const inputs = Object.fromEntries(Object.entries(answer.inputs).filter(([key]) => key in declared));
    const errors = partialInputErrors(capsule, inputs);
    if (errors.length > 0) {
      throw new Rejected(
        `the inputs do not fit capsule ${capsule.id}: ${errors
          .map((error) => `${error.instancePath.slice(1) || '(inputs)'} ${error.message ?? 'is invalid'}`)
          .join('; ')}`,
      );
    }
    return inputs;
  }

  return {
    async plan(request: PlanRequest, context: PlanningContext): Promise<Plan> {
      try {
        const answer = await ask(request, context);
        const capsule = capsuleOf(answer, request, context);
        const library =
          capsule.id === COMPOSED_CAPSULE_ID
            ? [...context.library, { capsule, contentHash: '', source: 'llm' }]
            : context.library;
        const plan = await planDeterministically(
          {
            brief: request.brief,
            capsule: capsule.id,
            inputs: { ...inputsFor(capsule, answer), ...request.inputs },
          },
          library,
          context.tools,
        );
        return {
          ...plan,
          planner: 'llm',
          notes: [`planned by ${settings.model}: ${answer.rationale}`, ...plan.notes],
        };
      } catch (error) {
        if (!(error instanceof Rejected)) throw error;
        const plan = await planDeterministically(request, context.library, context.tools);
        return {
          ...plan,
          planner: 'llm-fallback',
          notes: [`the LLM's plan was not used: ${error.message}; planned deterministically`, ...plan.notes],
        };
      }
    },
  };
}

export type LlmPlanner = ReturnType<typeof createLlmPlanner>;
