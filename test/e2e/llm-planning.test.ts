import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startChatCompletionsServer,
  type ChatCompletionsServer,
} from '../contract/chat-completions-server.js';
import { expectNoViolationsAfterEach } from '../contract/no-violations.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { untilFinished } from './capsule-support.js';

/**
 * Projects planned by an LLM: the platform is configured with an OpenAI-compatible endpoint (a
 * contract server checking every exchange against the chat completions description), and the
 * plans it drafts run on real servers (Chromium against a page this test serves).
 */
const KEY = 'sk-test-e2e';
let platform: TestPlatform;
let llm: ChatCompletionsServer;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === '/')
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><title>Acme</title><h1>Yoga for everyone</h1><img src="/a.png">');
    else res.writeHead(200, { 'Content-Type': 'image/png' }).end();
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  llm = await startChatCompletionsServer(KEY);
  platform = await startTestPlatform({
    SOMAGENT_LLM_URL: llm.url,
    SOMAGENT_LLM_MODEL: 'test-model',
    SOMAGENT_LLM_API_KEY: KEY,
  });
});
afterAll(async () => {
  await platform?.stop();
  await llm?.stop();
  site?.close();
});
expectNoViolationsAfterEach(() => [llm]);

interface PlanBody {
  planner: string;
  notes: string[];
  capsules: { id: string }[];
  tasks: { id: string; uses: string }[];
}

async function runProject(brief: string) {
  const created = await platform.call('/v1/projects', { method: 'POST', json: { brief, autoApprove: true } });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };
  const done = await untilFinished(platform, platform.adminKey, id, 60_000);
  const plan = (await (await platform.call(`/v1/projects/${id}/plan`)).json()) as PlanBody;
  return { done, plan };
}

describe('LLM planning through the API', () => {
  it('runs the steps the model composed, and the plan says the LLM made it', async () => {
    llm.script.push(
      JSON.stringify({
        rationale: 'Read the headline and list images without alt text.',
        capsule: null,
        inputs: { url: siteUrl },
        steps: [
          {
            id: 'headline',
            uses: 'playwright.extractText',
            with: { url: '${{ inputs.url }}', selector: 'h1' },
          },
          { id: 'images', uses: 'playwright.findImagesWithoutAlt', with: { url: '${{ inputs.url }}' } },
        ],
      }),
    );
    const { done, plan } = await runProject(
      `Tell me the headline of ${siteUrl} and which images lack alt text.`,
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(plan.planner).toBe('llm');
    expect(plan.notes[0]).toBe('planned by test-model: Read the headline and list images without alt text.');
    expect(plan.capsules.map((capsule) => capsule.id)).toEqual(['composed-plan']);
    expect(done.tasks.headline?.output).toMatchObject({ text: 'Yoga for everyone' });
    expect(done.tasks.images?.output).toMatchObject({
      images: [expect.objectContaining({ src: `${siteUrl}a.png` })],
    });
    expect(llm.count('createChatCompletion')).toBe(1);
  });

  it('falls back to the deterministic planner when the answer is unusable, and still runs the project', async () => {
    llm.script.push('I would audit the page with a screenshot tool.');
    const { done, plan } = await runProject(
      `Audit our landing page at ${siteUrl} : full-page screenshots, broken links and missing alt texts.`,
    );
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(plan.planner).toBe('llm-fallback');
    expect(plan.notes[0]).toBe(
      "the LLM's plan was not used: the answer is not JSON; planned deterministically",
    );
    expect(plan.capsules[0]?.id).toBe('landing-page-audit');
  });
});
