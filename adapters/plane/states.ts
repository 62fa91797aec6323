import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { PlaneClient } from './client.js';
import { createOnce, recoverFromList } from './external-id.js';
import { deletedOrGone, planeId } from './projects.js';

const operation = defineOperation<PlaneClient>();

interface RawState {
  id: string;
  name: string;
  color: string;
  group?: string;
  default?: boolean;
  external_id?: string | null;
  external_source?: string | null;
}

/** Plane's state groups: the workflow stage a state belongs to. */
const stateGroup = z.enum(['backlog', 'unstarted', 'started', 'completed', 'cancelled']);

const stateView = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string(),
  group: z.string().optional(),
  isDefault: z.boolean(),
});

const view = (state: RawState): z.input<typeof stateView> => ({
  id: state.id,
  name: state.name,
  color: state.color,
  ...(state.group ? { group: state.group } : {}),
  isDefault: state.default === true,
});

const statesPath = (projectId: string) => `/projects/${projectId}/states/`;

export const stateOperations = {
  listStates: operation({
    description: "List a project's workflow states (every page), to pick a state id for work items.",
    kind: 'read',
    idempotent: true,
    input: z.object({ projectId: planeId }),
    output: z.object({ states: z.array(stateView) }),
    run: async ({ client, signal }, input) => {
      const { items } = await client.listAll<RawState>(statesPath(input.projectId), { signal });
      return { states: items.map(view) };
    },
  }),
  createState: operation({
    description: 'Add a workflow state to a project (names are unique in a project).',
    kind: 'write',
    idempotent: false,
    input: z.object({
      projectId: planeId,
      name: z.string().trim().min(1).max(255),
      color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour'),
      group: stateGroup.default('unstarted'),
      description: z.string().max(10_000).optional(),
    }),
    output: stateView,
    compensate: {
      operation: 'deleteState',
      input: (input, output) => ({ projectId: input.projectId, stateId: output.id }),
    },
    recover: async ({ client, idempotencyKey, signal }, input) => {
      const found = await recoverFromList<RawState>(client, statesPath(input.projectId), {
        ...(idempotencyKey ? { idempotencyKey } : {}),
        signal,
      });
      return found ? stateView.parse(view(found)) : undefined;
    },
    run: async ({ client, idempotencyKey, signal }, input) =>
      view(
        await createOnce<RawState>(
          client,
          statesPath(input.projectId),
          {
            name: input.name,
            color: input.color,
            group: input.group,
            ...(input.description ? { description: input.description } : {}),
          },
          { ...(idempotencyKey ? { idempotencyKey } : {}), signal },
        ),
      ),
  }),
  deleteState: operation({
    description:
      'Delete a workflow state (the compensation of createState). Plane refuses for the default state and ' +
      'for states that still hold work items.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ projectId: planeId, stateId: planeId }),
    output: z.object({ stateId: z.string(), deleted: z.boolean() }),
    run: async ({ client, signal }, input) => ({
      stateId: input.stateId,
      deleted: await deletedOrGone(() =>
        client.request('DELETE', `${statesPath(input.projectId)}${input.stateId}/`, { signal }),
      ),
    }),
  }),
};
