import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.js';
import { packageRoot } from '../../core/paths.js';
import { capsuleLibrary } from '../library.js';
import { builtinCapsulesDir } from '../repository.js';
import { planDeterministically } from './deterministic-planner.js';

/** The sample briefs the product is measured on: which capsule each should get, and which tools. */
interface SampleBrief {
  id: string;
  brief: string;
  expect_tools: string[];
  expect_outputs: string[];
}

const briefs = JSON.parse(
  readFileSync(path.join(packageRoot, '..', 'shared', 'briefs', 'briefs.json'), 'utf8'),
) as SampleBrief[];

/** Briefs whose capsule has another id than the brief. */
const capsuleOf: Record<string, string> = { 'multi-cloud-sandbox': 'cloud-sandbox' };
const capsuleId = (briefId: string) => capsuleOf[briefId] ?? briefId;

// Capsules are written brief by brief: a brief whose capsule is not built in yet is skipped, not failed.
const withCapsule = briefs.filter((sample) =>
  existsSync(path.join(builtinCapsulesDir, `${capsuleId(sample.id)}.yaml`)),
);
const library = capsuleLibrary(adapters);

/** What the planner should read from some briefs, and the inputs it must ask for because a brief cannot say them. */
const expectedInputs: Record<string, { inputs: Record<string, unknown>; missing: string[] }> = {
  'web-app-starter': { inputs: { name: 'Lumen', issueCount: 5 }, missing: ['notionParentPageId'] },
  'bug-triage': { inputs: { repo: 'acme/widgets', channel: 'eng' }, missing: [] },
  'docs-site': { inputs: { name: 'sdk-docs' }, missing: ['notionParentPageId'] },
};

const everyToolConfigured = adapters.map((adapter) => ({ id: adapter.id, configured: true }));

describe('the deterministic planner on the sample briefs', () => {
  it('finds the sample briefs and at least one of their capsules', () => {
    expect(briefs.length).toBeGreaterThan(0);
    expect(withCapsule.length).toBeGreaterThan(0);
  });

  for (const sample of briefs) {
    const built = withCapsule.includes(sample);
    it.skipIf(!built)(`${sample.id}: ranks its capsule first and plans exactly its tools`, async () => {
      const plan = await planDeterministically({ brief: sample.brief }, library, everyToolConfigured);
      expect(plan.capsules[0]?.id).toBe(capsuleId(sample.id));
      expect(plan.tools.map((tool) => tool.id).sort()).toEqual([...sample.expect_tools].sort());
      const expected = expectedInputs[sample.id];
      if (expected) {
        expect(plan.inputs).toMatchObject(expected.inputs);
        expect(plan.missing).toHaveLength(expected.missing.length);
        for (const [index, input] of expected.missing.entries())
          expect(plan.missing[index]).toContain(`input "${input}"`);
      }
    });
  }

  it('landing-page-audit: Linear is optional, so a tenant without it gets a plan that runs', async () => {
    const sample = briefs.find((candidate) => candidate.id === 'landing-page-audit');
    expect(sample).toBeDefined();
    const withoutLinear = adapters.map((adapter) => ({
      id: adapter.id,
      configured: adapter.id !== 'linear',
      ...(adapter.id === 'linear' ? { missing: ['LINEAR_API_KEY'] } : {}),
    }));
    const plan = await planDeterministically(
      { brief: sample?.brief ?? '', inputs: { url: 'http://127.0.0.1:8080/' } },
      library,
      withoutLinear,
    );
    expect(plan.tools.find((tool) => tool.id === 'linear')).toMatchObject({
      required: false,
      configured: false,
    });
    expect(plan.tools.find((tool) => tool.id === 'playwright')).toMatchObject({ required: true });
    expect(plan.missing).toEqual([]);
    const linearTasks = plan.tasks.filter((task) => task.uses.startsWith('linear.'));
    expect(linearTasks.length).toBeGreaterThan(0);
    for (const task of linearTasks) expect(task.if).toContain('tools.linear.configured');
  });
});
