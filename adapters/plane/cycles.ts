import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { PlaneClient } from './client.js';
import { createOnce, recoverFromList } from './external-id.js';
import { deletedOrGone, planeId } from './projects.js';

const operation = defineOperation<PlaneClient>();

interface RawCycle {
  id: string;
  name: string;
  description?: string;
  start_date?: string | null;
  end_date?: string | null;
  external_id?: string | null;
  external_source?: string | null;
}

const cycleView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  startDate: z.string().optional(),
  endDate: z.string().optional(),
});

const view = (cycle: RawCycle): z.input<typeof cycleView> => ({
  id: cycle.id,
  name: cycle.name,
  ...(cycle.description ? { description: cycle.description } : {}),
  ...(cycle.start_date ? { startDate: cycle.start_date } : {}),
  ...(cycle.end_date ? { endDate: cycle.end_date } : {}),
});

// The spec types cycle dates as date-times; a plain date means its start, in UTC.
const dateTime = z.union([
  z.iso.datetime({ offset: true }),
  z.iso.date().transform((date) => `${date}T00:00:00Z`),
]);

const cyclesPath = (projectId: string) => `/projects/${projectId}/cycles/`;

export const cycleOperations = {
  createCycle: operation({
    description: 'Create a cycle (sprint) in a project; give both dates or neither, as Plane requires.',
    kind: 'write',
    idempotent: false,
    input: z
      .object({
        projectId: planeId,
        name: z.string().trim().min(1).max(255),
        description: z.string().max(10_000).optional(),
        startDate: dateTime.optional(),
        endDate: dateTime.optional(),
      })
      .refine((input) => (input.startDate === undefined) === (input.endDate === undefined), {
        message: 'give both startDate and endDate, or neither',
        path: ['endDate'],
      })
      .refine(
        (input) =>
          !input.startDate || !input.endDate || Date.parse(input.startDate) <= Date.parse(input.endDate),
        {
          message: 'endDate is before startDate',
          path: ['endDate'],
        },
      ),
    output: cycleView,
    compensate: {
      operation: 'deleteCycle',
      input: (input, output) => ({ projectId: input.projectId, cycleId: output.id }),
    },
    recover: async ({ client, idempotencyKey, signal }, input) => {
      const found = await recoverFromList<RawCycle>(client, cyclesPath(input.projectId), {
        ...(idempotencyKey ? { idempotencyKey } : {}),
        signal,
      });
      return found ? cycleView.parse(view(found)) : undefined;
    },
    run: async ({ client, idempotencyKey, signal }, input) =>
      view(
        await createOnce<RawCycle>(
          client,
          cyclesPath(input.projectId),
          {
            name: input.name,
            ...(input.description ? { description: input.description } : {}),
            ...(input.startDate ? { start_date: input.startDate, end_date: input.endDate } : {}),
          },
          { ...(idempotencyKey ? { idempotencyKey } : {}), signal },
        ),
      ),
  }),
  listCycles: operation({
    description: "List a project's cycles (every page).",
    kind: 'read',
    idempotent: true,
    input: z.object({ projectId: planeId }),
    output: z.object({ cycles: z.array(cycleView) }),
    run: async ({ client, signal }, input) => {
      const { items } = await client.listAll<RawCycle>(cyclesPath(input.projectId), { signal });
      return { cycles: items.map(view) };
    },
  }),
  deleteCycle: operation({
    description: 'Delete a cycle (the compensation of createCycle); its work items stay in the project.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ projectId: planeId, cycleId: planeId }),
    output: z.object({ cycleId: z.string(), deleted: z.boolean() }),
    run: async ({ client, signal }, input) => ({
      cycleId: input.cycleId,
      deleted: await deletedOrGone(() =>
        client.request('DELETE', `${cyclesPath(input.projectId)}${input.cycleId}/`, { signal }),
      ),
    }),
  }),
};
