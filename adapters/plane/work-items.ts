import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { PlaneClient } from './client.js';
import { ToolError } from '../core/errors.js';
import { createOnce, externalId, EXTERNAL_SOURCE } from './external-id.js';
import { deletedOrGone, planeId } from './projects.js';

const operation = defineOperation<PlaneClient>();

/** A work item as Plane's v1 API answers it (the API still calls them issues). */
interface RawWorkItem {
  id: string;
  name: string;
  sequence_id?: number;
  project: string;
  state?: string | null;
  priority?: string;
  labels?: unknown[];
  assignees?: unknown[];
  description_html?: string;
  start_date?: string | null;
  target_date?: string | null;
  parent?: string | null;
  created_at: string;
}

const priority = z.enum(['urgent', 'high', 'medium', 'low', 'none']);

const workItemView = z.object({
  id: z.string(),
  name: z.string(),
  projectId: z.string(),
  sequenceId: z.number().int().optional(),
  stateId: z.string().optional(),
  priority: z.string().optional(),
  labelIds: z.array(z.string()).optional(),
  assigneeIds: z.array(z.string()).optional(),
  descriptionHtml: z.string().optional(),
  startDate: z.string().optional(),
  targetDate: z.string().optional(),
  parentId: z.string().optional(),
  createdAt: z.string(),
});

// Plane answers ids, or objects with an id when a caller asked it to expand them.
const ids = (list: unknown[] | undefined) =>
  list?.map((item) => (typeof item === 'string' ? item : String((item as { id?: unknown })?.id ?? '')));

function view(item: RawWorkItem): z.input<typeof workItemView> {
  const labelIds = ids(item.labels);
  const assigneeIds = ids(item.assignees);
  return {
    id: item.id,
    name: item.name,
    projectId: item.project,
    createdAt: item.created_at,
    ...(typeof item.sequence_id === 'number' ? { sequenceId: item.sequence_id } : {}),
    ...(item.state ? { stateId: item.state } : {}),
    ...(item.priority ? { priority: item.priority } : {}),
    ...(labelIds ? { labelIds } : {}),
    ...(assigneeIds ? { assigneeIds } : {}),
    ...(item.description_html ? { descriptionHtml: item.description_html } : {}),
    ...(item.start_date ? { startDate: item.start_date } : {}),
    ...(item.target_date ? { targetDate: item.target_date } : {}),
    ...(item.parent ? { parentId: item.parent } : {}),
  };
}

const itemPath = (projectId: string, id?: string) => `/projects/${projectId}/issues/${id ? `${id}/` : ''}`;

export const workItemOperations = {
  createWorkItem: operation({
    description:
      'Create a work item (name, HTML description, state, labels, priority, assignees, dates, parent). ' +
      "Retries never create it twice: it carries Plane's external_id, made from the idempotency key.",
    kind: 'write',
    idempotent: false,
    input: z.object({
      projectId: planeId,
      name: z.string().trim().min(1).max(255),
      descriptionHtml: z.string().max(100_000).optional(),
      stateId: planeId.optional(),
      labelIds: z.array(planeId).default([]),
      assigneeIds: z.array(planeId).default([]),
      priority: priority.default('none'),
      startDate: z.iso.date().optional(),
      targetDate: z.iso.date().optional(),
      parentId: planeId.optional(),
    }),
    output: workItemView,
    compensate: {
      operation: 'deleteWorkItem',
      input: (input, output) => ({ projectId: input.projectId, workItemId: output.id }),
    },
    recover: async ({ client, idempotencyKey, signal }, input) => {
      if (!idempotencyKey) return undefined;
      // Plane looks a work item up by its external pair directly; 404 when there is none.
      try {
        const found = await client.request<RawWorkItem>('GET', itemPath(input.projectId), {
          query: { external_id: externalId(idempotencyKey), external_source: EXTERNAL_SOURCE },
          signal,
        });
        return workItemView.parse(view(found));
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found') return undefined;
        throw error;
      }
    },
    run: async ({ client, idempotencyKey, signal }, input) =>
      view(
        await createOnce<RawWorkItem>(
          client,
          itemPath(input.projectId),
          {
            name: input.name,
            priority: input.priority,
            ...(input.descriptionHtml === undefined ? {} : { description_html: input.descriptionHtml }),
            ...(input.stateId ? { state: input.stateId } : {}),
            ...(input.labelIds.length > 0 ? { labels: input.labelIds } : {}),
            ...(input.assigneeIds.length > 0 ? { assignees: input.assigneeIds } : {}),
            ...(input.startDate ? { start_date: input.startDate } : {}),
            ...(input.targetDate ? { target_date: input.targetDate } : {}),
            ...(input.parentId ? { parent: input.parentId } : {}),
          },
          { ...(idempotencyKey ? { idempotencyKey } : {}), signal },
        ),
      ),
  }),
  getWorkItem: operation({
    description: 'Read one work item.',
    kind: 'read',
    idempotent: true,
    input: z.object({ projectId: planeId, workItemId: planeId }),
    output: workItemView,
    run: async ({ client, signal }, input) =>
      view(await client.request<RawWorkItem>('GET', itemPath(input.projectId, input.workItemId), { signal })),
  }),
  listWorkItems: operation({
    description: 'List the work items of a project, newest first, following the cursor to the last page.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      projectId: planeId,
      perPage: z.number().int().min(1).max(100).default(100),
      maxItems: z.number().int().min(1).max(50_000).default(5000),
    }),
    output: z.object({ workItems: z.array(workItemView), truncated: z.boolean() }),
    run: async ({ client, signal, heartbeat }, input) => {
      const { items, truncated } = await client.listAll<RawWorkItem>(itemPath(input.projectId), {
        perPage: input.perPage,
        maxItems: input.maxItems,
        signal,
        onPage: (count) => heartbeat({ workItems: count }),
      });
      return { workItems: items.map(view), truncated };
    },
  }),
  deleteWorkItem: operation({
    description:
      'Delete a work item (the compensation of createWorkItem). One already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ projectId: planeId, workItemId: planeId }),
    output: z.object({ workItemId: z.string(), deleted: z.boolean() }),
    run: async ({ client, signal }, input) => ({
      workItemId: input.workItemId,
      deleted: await deletedOrGone(() =>
        client.request('DELETE', itemPath(input.projectId, input.workItemId), { signal }),
      ),
    }),
  }),
};
