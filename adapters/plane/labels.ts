import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { PlaneClient } from './client.js';
import { createOnce, recoverFromList } from './external-id.js';
import { deletedOrGone, planeId } from './projects.js';

const operation = defineOperation<PlaneClient>();

interface RawLabel {
  id: string;
  name: string;
  color?: string;
  parent?: string | null;
  external_id?: string | null;
  external_source?: string | null;
}

const labelView = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string().optional(),
  parentId: z.string().optional(),
});

const view = (label: RawLabel): z.input<typeof labelView> => ({
  id: label.id,
  name: label.name,
  ...(label.color ? { color: label.color } : {}),
  ...(label.parent ? { parentId: label.parent } : {}),
});

const labelsPath = (projectId: string) => `/projects/${projectId}/labels/`;

export const labelOperations = {
  listLabels: operation({
    description: "List a project's labels (every page).",
    kind: 'read',
    idempotent: true,
    input: z.object({ projectId: planeId }),
    output: z.object({ labels: z.array(labelView) }),
    run: async ({ client, signal }, input) => {
      const { items } = await client.listAll<RawLabel>(labelsPath(input.projectId), { signal });
      return { labels: items.map(view) };
    },
  }),
  createLabel: operation({
    description: 'Create a label in a project (optionally under a parent label).',
    kind: 'write',
    idempotent: false,
    input: z.object({
      projectId: planeId,
      name: z.string().trim().min(1).max(255),
      color: z
        .string()
        .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
        .optional(),
      description: z.string().max(10_000).optional(),
      parentId: planeId.optional(),
    }),
    output: labelView,
    compensate: {
      operation: 'deleteLabel',
      input: (input, output) => ({ projectId: input.projectId, labelId: output.id }),
    },
    recover: async ({ client, idempotencyKey, signal }, input) => {
      const found = await recoverFromList<RawLabel>(client, labelsPath(input.projectId), {
        ...(idempotencyKey ? { idempotencyKey } : {}),
        signal,
      });
      return found ? labelView.parse(view(found)) : undefined;
    },
    run: async ({ client, idempotencyKey, signal }, input) =>
      view(
        await createOnce<RawLabel>(
          client,
          labelsPath(input.projectId),
          {
            name: input.name,
            ...(input.color ? { color: input.color } : {}),
            ...(input.description ? { description: input.description } : {}),
            ...(input.parentId ? { parent: input.parentId } : {}),
          },
          { ...(idempotencyKey ? { idempotencyKey } : {}), signal },
        ),
      ),
  }),
  deleteLabel: operation({
    description: 'Delete a label (the compensation of createLabel); work items simply lose it.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ projectId: planeId, labelId: planeId }),
    output: z.object({ labelId: z.string(), deleted: z.boolean() }),
    run: async ({ client, signal }, input) => ({
      labelId: input.labelId,
      deleted: await deletedOrGone(() =>
        client.request('DELETE', `${labelsPath(input.projectId)}${input.labelId}/`, { signal }),
      ),
    }),
  }),
};
