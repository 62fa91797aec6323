import { describe, expect, it } from 'vitest';
import { adapters } from '../../adapters/index.js';
import { checkCapsule } from '../check-capsule.js';
import { capsuleSchema, type Capsule } from '../schema.js';
import { expandSteps } from './expand-steps.js';

const capsule = (document: Record<string, unknown>): Capsule =>
  capsuleSchema.parse({ version: '1.0.0', title: 't', description: 'd', persona: 'p', ...document });

const audit = capsule({
  id: 'audit',
  inputs: {
    type: 'object',
    required: ['url'],
    properties: { url: { type: 'string' }, selector: { type: 'string', default: 'h1' } },
  },
  steps: [
    { id: 'links', uses: 'playwright.checkLinks', with: { url: '${{ inputs.url }}' } },
    {
      id: 'text',
      uses: 'playwright.extractText',
      needs: ['links'],
      with: { url: '${{ inputs.url }}', selector: '${{ inputs.selector }}' },
    },
  ],
  outputs: {
    broken: '${{ steps.links.output.broken }}',
    headline: 'The headline: ${{ steps.text.output.text }}',
  },
});

const site = capsule({
  id: 'site',
  inputs: { type: 'object', properties: { home: { type: 'string' } } },
  steps: [
    { id: 'open', uses: 'playwright.openPage', with: { url: '${{ inputs.home }}' } },
    { id: 'check', uses: 'capsule:audit', needs: ['open'], with: { url: '${{ steps.open.output.url }}' } },
    {
      id: 'report',
      uses: 'slack.postMessage',
      needs: ['check'],
      with: { channel: 'qa', text: '${{ $count(steps.check.output.broken) }} broken links' },
    },
  ],
  outputs: { broken: '${{ steps.check.output.broken }}' },
});

const library = new Map([audit, site].map((entry) => [entry.id, entry]));
const find = (id: string) => library.get(id);

describe('capsules that use other capsules', () => {
  it("expand into the used capsule's tasks, prefixed, wired to the step's needs and its dependants", () => {
    const { tasks, outputs } = expandSteps(site, undefined, find);
    expect(tasks.map((task) => [task.id, task.uses, task.needs])).toEqual([
      ['open', 'playwright.openPage', []],
      ['check.links', 'playwright.checkLinks', ['open']],
      ['check.text', 'playwright.extractText', ['check.links']],
      ['report', 'slack.postMessage', ['check.links', 'check.text']],
    ]);
    // The used capsule's tasks read their inputs from the step's `with` (then the defaults).
    const links = tasks.find((task) => task.id === 'check.links');
    expect(links?.inputChain).toEqual([{ selector: 'h1', url: '${{ steps.open.output.url }}' }]);
    expect(links?.with).toEqual({ url: '${{ inputs.url }}' });
    expect(tasks.find((task) => task.id === 'check.text')?.with).toEqual({
      url: '${{ inputs.url }}',
      selector: '${{ inputs.selector }}',
    });
    expect(tasks.find((task) => task.id === 'open')?.inputChain).toBeUndefined();
    // Reads of the used capsule's outputs become the expressions that give them.
    expect(tasks.find((task) => task.id === 'report')?.with.text).toBe(
      '${{ $count((steps.`check.links`.output.broken)) }} broken links',
    );
    expect(outputs).toEqual({ broken: '${{ (steps.`check.links`.output.broken) }}' });
  });

  it('carry the prefix of a plan composed of several capsules', () => {
    const { tasks } = expandSteps(site, 'site', find);
    expect(tasks.map((task) => task.id)).toEqual([
      'site.open',
      'site.check.links',
      'site.check.text',
      'site.report',
    ]);
    expect(tasks[1]?.needs).toEqual(['site.open']);
    expect(tasks[1]?.inputChain).toEqual([{ selector: 'h1', url: '${{ steps.`site.open`.output.url }}' }]);
  });

  it('refuse an output that is not one expression, an unknown capsule and a cycle', () => {
    const readsText = capsule({
      id: 'reads-text',
      steps: [
        { id: 'a', uses: 'capsule:audit', with: { url: 'https://example.com/' } },
        {
          id: 'b',
          uses: 'slack.postMessage',
          needs: ['a'],
          with: { channel: 'qa', text: '${{ steps.a.output.headline }}' },
        },
      ],
    });
    expect(() => expandSteps(readsText, undefined, find)).toThrow(
      /steps\.a\.output\.headline: the used capsule has no output "headline" made of one/,
    );
    const unknown = capsule({ id: 'unknown', steps: [{ id: 'a', uses: 'capsule:nothing' }] });
    expect(() => expandSteps(unknown, undefined, find)).toThrow(
      /uses capsule "nothing", which is not in the library/,
    );
    const selfish = capsule({ id: 'selfish', steps: [{ id: 'a', uses: 'capsule:selfish' }] });
    expect(() => expandSteps(selfish, undefined, (id) => (id === 'selfish' ? selfish : undefined))).toThrow(
      /cycle: selfish -> selfish/,
    );
  });

  it('say at check time that a capsule step takes no if, forEach, retry or compensate', () => {
    const conditional = capsule({
      id: 'conditional',
      steps: [{ id: 'a', uses: 'capsule:audit', if: '${{ true }}', compensate: false }],
    });
    const registry = new Map(adapters.map((adapter) => [adapter.id, adapter]));
    expect(checkCapsule(conditional, registry)).toEqual([
      {
        path: ['steps', 0, 'if'],
        message: "a step that uses a capsule cannot have if (put it on the used capsule's steps)",
      },
      {
        path: ['steps', 0, 'compensate'],
        message: "a step that uses a capsule cannot have compensate (put it on the used capsule's steps)",
      },
    ]);
  });
});
