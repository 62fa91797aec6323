import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.js';
import { packageRoot } from '../../core/paths.js';
import {
  completion,
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../../test/contract/chat-completions-server.js';
import type { ContractResponse } from '../../test/contract/contract-server.js';
import { expectNoViolationsAfterEach } from '../../test/contract/no-violations.js';
import { capsuleLibrary } from '../library.js';
import type { Plan } from '../plan.js';
import { llmAnswerJsonSchema } from './llm-answer.js';
import { COMPOSED_CAPSULE_ID, createLlmPlanner, type LlmSettings } from './llm-planner.js';

/**
 * The LLM planner against a contract server that checks every request and answer against our
 * description of OpenAI's chat completions API (openai-chat-completions.openapi.json, written from
 * OpenAI's API reference; there is no published file to load here). What the "model" says is the
 * test's script: the point is what the planner does with each kind of answer. The live test at
 * the end asks a real model when SOMAGENT_LLM_URL and SOMAGENT_LLM_MODEL are set.
 */
const KEY = 'sk-test-planner';
const library = capsuleLibrary(adapters);
const everyTool = adapters.map((adapter) => ({ id: adapter.id, configured: true }));
const context = { library, tools: everyTool, adapters };

let server: ChatCompletionsServer;
beforeAll(async () => {
  server = await startChatCompletionsServer(KEY);
});
afterAll(() => server?.stop());
expectNoViolationsAfterEach(() => [server]);

const settings = (overrides: Partial<LlmSettings> = {}): LlmSettings => ({
  url: server.url,
  model: 'test-model',
  apiKey: KEY,
  timeoutSeconds: 10,
  maxRetries: 0,
  ...overrides,
});
const plan = (
  brief: string,
  answers: (string | ContractResponse)[],
  overrides: Partial<LlmSettings> = {},
) => {
  server.script.splice(0, Infinity, ...answers);
  return createLlmPlanner(settings(overrides)).plan({ brief }, context);
};
const expectFallback = (result: Plan, reason: RegExp) => {
  expect(result.planner).toBe('llm-fallback');
  expect(result.notes[0]).toMatch(/^the LLM's plan was not used: /);
  expect(result.notes[0]).toMatch(reason);
};

const auditBrief =
  'Look over the Acme yoga landing page at acme-yoga dot example and tell me what is broken.';
const auditAnswer = JSON.stringify({
  rationale: 'The brief asks for an audit of a landing page.',
  capsule: 'landing-page-audit',
  inputs: { url: 'https://acme-yoga.example/' },
  steps: null,
});

describe('the LLM planner', () => {
  it('asks with the brief, the library and the tools, constrained by the answer schema, and plans the capsule it chose', async () => {
    const result = await plan(auditBrief, [auditAnswer]);
    expect(result.planner).toBe('llm');
    expect(result.notes[0]).toBe('planned by test-model: The brief asks for an audit of a landing page.');
    expect(result.capsules).toEqual([{ id: 'landing-page-audit', version: expect.any(String) }]);
    // The deterministic planner finds no URL in this brief; the model read one.
    expect(result.inputs.url).toBe('https://acme-yoga.example/');
    expect(result.missing).toEqual([]);
    expect(result.tasks.map((task) => task.uses)).toContain('playwright.checkLinks');

    const [call] = server.calls;
    const body = call?.body as {
      model: string;
      temperature: number;
      messages: { role: string; content: string }[];
      response_format: { type: string; json_schema: { name: string; schema: unknown } };
    };
    expect(body.model).toBe('test-model');
    expect(body.temperature).toBe(0);
    expect(body.response_format.type).toBe('json_schema');
    expect(body.response_format.json_schema.schema).toEqual(llmAnswerJsonSchema());
    expect(body.messages.map((message) => message.role)).toEqual(['system', 'user']);
    const asked = JSON.parse(body.messages[1]?.content ?? '{}') as {
      brief: string;
      capsules: { id: string }[];
      tools: { id: string; operations: string[] }[];
    };
    expect(asked.brief).toBe(auditBrief);
    expect(asked.capsules.map((capsule) => capsule.id)).toEqual(library.map((entry) => entry.capsule.id));
    expect(asked.tools).toHaveLength(16);
    const playwright = asked.tools.find((tool) => tool.id === 'playwright');
    expect(playwright?.operations).toEqual(
      expect.arrayContaining([expect.stringMatching(/^checkLinks\(url\*/)]),
    );
  });

  it('plans steps the model composed from tool operations when no capsule fits', async () => {
    const result = await plan(
      'Read the headline of https://acme-yoga.example/ and post it to #marketing on Slack.',
      [
        JSON.stringify({
          rationale: 'No capsule reads a headline and posts it; two operations do.',
          capsule: null,
          inputs: { url: 'https://acme-yoga.example/', channel: 'marketing' },
          steps: [
            {
              id: 'headline',
              uses: 'playwright.extractText',
              with: { url: '${{ inputs.url }}', selector: 'h1' },
            },
            {
              id: 'post',
              uses: 'slack.postMessage',
              needs: ['headline'],
              with: { channel: '${{ inputs.channel }}', text: '${{ steps.headline.output.text }}' },
            },
          ],
        }),
      ],
    );
    expect(result.planner).toBe('llm');
    expect(result.capsules).toEqual([{ id: COMPOSED_CAPSULE_ID, version: '0.0.0' }]);
    expect(result.tasks.map((task) => [task.id, task.uses, task.needs])).toEqual([
      ['headline', 'playwright.extractText', []],
      ['post', 'slack.postMessage', ['headline']],
    ]);
    expect(result.inputs).toEqual({ url: 'https://acme-yoga.example/', channel: 'marketing' });
    expect(result.tools.map((tool) => tool.id).sort()).toEqual(['playwright', 'slack']);
  });

  it('keeps the inputs the request gives over what the model read', async () => {
    server.script.push(auditAnswer);
    const result = await createLlmPlanner(settings()).plan(
      { brief: auditBrief, inputs: { url: 'https://given.example/' } },
      context,
    );
    expect(result.planner).toBe('llm');
    expect(result.inputs.url).toBe('https://given.example/');
  });

  describe('falls back to the deterministic planner, and says why, when', () => {
    const brief = `Audit our landing page at https://acme-yoga.example/ : screenshots, broken links, missing alt texts.`;
    const fallsBack = async (answers: (string | ContractResponse)[], reason: RegExp) => {
      const result = await plan(brief, answers);
      expectFallback(result, reason);
      // The deterministic plan is whole: the capsule BM25 ranks first, inputs from the brief.
      expect(result.capsules[0]?.id).toBe('landing-page-audit');
      expect(result.inputs.url).toBe('https://acme-yoga.example/');
      return result;
    };

    it('the answer is not JSON', () =>
      fallsBack(['Sure! Here is your plan: audit the page.'], /the answer is not JSON/));

    it('the answer does not match the schema', () =>
      fallsBack(
        [
          JSON.stringify({
            rationale: 'both',
            capsule: 'landing-page-audit',
            inputs: {},
            steps: [{ id: 'a', uses: 'playwright.openPage' }],
          }),
        ],
        /does not match the plan schema: capsule: exactly one of capsule and steps must be given/,
      ));

    it('the model names a capsule the library does not have', () =>
      fallsBack(
        [JSON.stringify({ rationale: 'x', capsule: 'seo-audit', inputs: {}, steps: null })],
        /the model chose capsule "seo-audit", which is not in the library/,
      ));

    it('composed steps use an operation no adapter has, or read a step they do not need', () =>
      fallsBack(
        [
          JSON.stringify({
            rationale: 'x',
            capsule: null,
            inputs: {},
            steps: [
              { id: 'a', uses: 'slack.sendTelegram', with: {} },
              { id: 'b', uses: 'playwright.openPage', with: { url: '${{ steps.a.output.url }}' } },
            ],
          }),
        ],
        /steps\.0\.uses: slack has no operation "sendTelegram".*steps\.1\.with: reads steps\.a but does not depend on it/,
      ));

    it("the inputs do not fit the capsule's input schema", () =>
      fallsBack(
        [JSON.stringify({ rationale: 'x', capsule: 'landing-page-audit', inputs: { url: 42 }, steps: null })],
        /the inputs do not fit capsule landing-page-audit: url must be string/,
      ));

    it('the answer was cut off, or the model refused', async () => {
      await fallsBack([completion('{"rationale": "The brief asks', { finish_reason: 'length' })], /cut off/);
      await fallsBack(
        [completion('', { refusal: 'I cannot help with that.' })],
        /the model refused: I cannot help with that\./,
      );
    });

    it('the endpoint fails, after the SDK retried it', async () => {
      const overloaded = {
        status: 503,
        body: {
          error: {
            type: 'server_error',
            message: 'The engine is currently overloaded',
            param: null,
            code: null,
          },
        },
      };
      server.script.push(overloaded, overloaded);
      const result = await createLlmPlanner(settings({ maxRetries: 1 })).plan({ brief }, context);
      expectFallback(result, /the LLM endpoint failed: 503 The engine is currently overloaded/);
      expect(server.count('createChatCompletion')).toBe(2);
    });

    it('the key is refused', async () => {
      const result = await plan(brief, [], { apiKey: 'sk-revoked' });
      expectFallback(result, /the LLM endpoint failed: 401 Incorrect API key provided/);
    });

    it('nothing listens at the URL', async () => {
      const result = await plan(brief, [], { url: 'http://127.0.0.1:9/v1' });
      expectFallback(result, /the LLM endpoint failed: Connection error/);
    });
  });
});

interface SampleBrief {
  id: string;
  brief: string;
}
const live = process.env.SOMAGENT_LLM_URL && process.env.SOMAGENT_LLM_MODEL;

describe.skipIf(!live)('the LLM planner against a real model (SOMAGENT_LLM_URL, SOMAGENT_LLM_MODEL)', () => {
  const samples = JSON.parse(
    readFileSync(path.join(packageRoot, '..', 'shared', 'briefs', 'briefs.json'), 'utf8'),
  ) as SampleBrief[];
  const sample = samples.find((entry) => entry.id === 'landing-page-audit');

  it('plans the landing page audit brief with the landing-page-audit capsule', async () => {
    const planner = createLlmPlanner({
      url: process.env.SOMAGENT_LLM_URL ?? '',
      model: process.env.SOMAGENT_LLM_MODEL ?? '',
      timeoutSeconds: 120,
      ...(process.env.SOMAGENT_LLM_API_KEY ? { apiKey: process.env.SOMAGENT_LLM_API_KEY } : {}),
    });
    const result = await planner.plan({ brief: sample?.brief ?? '' }, context);
    expect(result.notes[0]).toMatch(/^planned by /);
    expect(result.planner).toBe('llm');
    expect(result.capsules[0]?.id).toBe('landing-page-audit');
  }, 180_000);
});
