import { describe, expect, it } from 'vitest';
import { condition, resolveTemplates, type ExpressionScope } from './expressions.js';

const scope: ExpressionScope = {
  inputs: { url: 'http://x.test/', name: 'Lumen' },
  steps: {
    links: {
      status: 'completed',
      output: {
        broken: 2,
        links: [
          { href: 'a', ok: false },
          { href: 'b', ok: true },
        ],
      },
    },
  },
  tools: { linear: { configured: false }, playwright: { configured: true } },
};

describe('capsule expressions', () => {
  it('keeps the type of a whole-value expression and interpolates inside text', async () => {
    expect(
      await resolveTemplates({ url: '${{ inputs.url }}', n: '${{ steps.links.output.broken }}' }, scope),
    ).toEqual({
      url: 'http://x.test/',
      n: 2,
    });
    expect(
      await resolveTemplates('Project ${{ inputs.name }}: ${{ steps.links.output.broken }} broken', scope),
    ).toBe('Project Lumen: 2 broken');
    expect(await resolveTemplates(['${{ steps.links.output.links[ok=false].href }}'], scope)).toEqual(['a']);
    expect(await resolveTemplates('${{ inputs.name }}-${{ steps.links.output.broken }}', scope)).toBe(
      'Lumen-2',
    );
  });

  it('evaluates conditions', async () => {
    expect(await condition('tools.linear.configured', scope)).toBe(false);
    expect(await condition('${{ steps.links.output.broken > 0 }}', scope)).toBe(true);
  });

  it('says which expression failed', async () => {
    await expect(resolveTemplates('${{ inputs.( }}', scope)).rejects.toThrow(
      /expression "inputs\.\(" failed/,
    );
  });
});
