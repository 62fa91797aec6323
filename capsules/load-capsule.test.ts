import { describe, expect, it } from 'vitest';
import { adapters } from '../adapters/index.js';
import { CapsuleError, parseCapsule } from './load-capsule.js';
import { capsuleJsonSchema } from './schema.js';

const registry = new Map(adapters.map((adapter) => [adapter.id, adapter]));

const valid = `
id: page-check
version: 1.0.0
title: Page check
description: Screenshot a page and list its broken links.
tags: [audit, web]
persona: qa-analyst
inputs:
  type: object
  required: [url]
  properties:
    url: { type: string, format: uri }
tools: [playwright]
steps:
  - id: shots
    uses: playwright.screenshot
    with: { url: "\${{ inputs.url }}", fullPage: true }
  - id: links
    uses: playwright.checkLinks
    with: { url: "\${{ inputs.url }}" }
  - id: summary
    uses: playwright.extractText
    needs: [shots, links]
    if: "\${{ steps.links.output.broken > 0 }}"
    with: { url: "\${{ inputs.url }}" }
outputs:
  broken: "\${{ steps.links.output.broken }}"
`;

function problemsOf(text: string) {
  try {
    parseCapsule(text, 'capsules/test.yaml', registry);
  } catch (error) {
    if (error instanceof CapsuleError) return error.problems;
    throw error;
  }
  throw new Error('expected a CapsuleError');
}

describe('capsule documents', () => {
  it('loads a valid capsule with defaults and a content hash', () => {
    const { capsule, contentHash } = parseCapsule(valid, 'capsules/test.yaml', registry);
    expect(capsule.steps.map((step) => step.id)).toEqual(['shots', 'links', 'summary']);
    expect(capsule.policies).toEqual({
      budget: {},
      requiresReview: false,
      allowedEnvironments: ['dev', 'staging', 'production'],
    });
    expect(contentHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the file, the path, the line and what is wrong', () => {
    const problems = problemsOf(valid.replace('uses: playwright.checkLinks', 'uses: playwright.crawl'));
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'capsules/test.yaml',
        path: 'steps[1].uses',
        line: 19,
        column: 11,
        message: expect.stringContaining('playwright has no operation "crawl"'),
      }),
    ]);
  });

  it('reports schema errors with their path', () => {
    const problems = problemsOf(valid.replace('version: 1.0.0', 'version: one'));
    expect(problems[0]).toMatchObject({
      path: 'version',
      line: 3,
      message: expect.stringContaining('semantic version'),
    });
  });

  it('finds unknown needs, cycles and expressions reading steps they do not depend on', () => {
    const cyclic = valid.replace('needs: [shots, links]', 'needs: [shots, links, summary]');
    expect(
      problemsOf(cyclic)
        .map((problem) => problem.message)
        .join('\n'),
    ).toMatch(/cannot need itself|cycle/);
    const undeclared = valid.replace('needs: [shots, links]', 'needs: [shots]');
    expect(problemsOf(undeclared)).toContainEqual(
      expect.objectContaining({ path: 'steps[2].if', message: expect.stringContaining('steps.links') }),
    );
    expect(problemsOf(valid.replace('needs: [shots, links]', 'needs: [nope]'))[0]).toMatchObject({
      path: 'steps[2].needs[0]',
      message: 'no step "nope"',
    });
  });

  it('takes a concurrency on forEach steps only', () => {
    const fanned = valid.replace(
      'uses: playwright.checkLinks',
      'uses: playwright.checkLinks\n    forEach: "${{ [1, 2] }}"\n    concurrency: 2',
    );
    expect(parseCapsule(fanned, 'capsules/test.yaml', registry).capsule.steps[1]).toMatchObject({
      forEach: '${{ [1, 2] }}',
      concurrency: 2,
    });
    expect(problemsOf(valid.replace('fullPage: true }', 'fullPage: true }\n    concurrency: 2'))).toEqual([
      expect.objectContaining({
        path: 'steps[0].concurrency',
        message: 'concurrency applies only to a forEach step',
      }),
    ]);
    expect(problemsOf(fanned.replace('concurrency: 2', 'concurrency: 0'))[0]).toMatchObject({
      path: 'steps[1].concurrency',
    });
  });

  it('reports YAML syntax errors with their line', () => {
    const problems = problemsOf('id: x\nsteps: [\n');
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it('publishes its JSON Schema', () => {
    expect(capsuleJsonSchema()).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['id', 'version', 'steps']),
    });
  });
});
