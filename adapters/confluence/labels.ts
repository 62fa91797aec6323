import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { ConfluenceClient } from './client.js';
import { contentId } from './pages.js';

const operation = defineOperation<ConfluenceClient>();

/** Confluence stores labels lower-cased and refuses spaces in them. */
const label = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^\s:]+$/, 'a label has no spaces or colons')
  .transform((name) => name.toLowerCase());

/**
 * REST v2 reads labels but cannot add them, so this is v1's `POST /content/{id}/label`. Adding a
 * label the page already has changes nothing, so the operation is idempotent.
 */
export const labelOperations = {
  addLabels: operation({
    description:
      'Add labels to a page (Confluence REST v1; v2 has no label write). Returns the labels Confluence lists in its answer.',
    kind: 'write',
    idempotent: true,
    input: z.object({ pageId: contentId, labels: z.array(label).min(1).max(50) }),
    output: z.object({ pageId: z.string(), labels: z.array(z.string()) }),
    run: async ({ client }, input) => {
      const answer = await client.v1<{ results?: { name?: string }[] }>(
        'POST',
        `/content/${input.pageId}/label`,
        {
          body: input.labels.map((name) => ({ prefix: 'global', name })),
        },
      );
      return { pageId: input.pageId, labels: (answer.results ?? []).map((result) => result.name ?? '') };
    },
  }),
};
