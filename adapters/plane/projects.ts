import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { PlaneClient } from './client.js';

const operation = defineOperation<PlaneClient>();

/** A Plane id (every Plane resource is named by a UUID). */
export const planeId = z.uuid();

interface RawProject {
  id: string;
  name: string;
  identifier: string;
  description?: string;
  network?: number;
}

const projectView = z.object({
  id: z.string(),
  name: z.string(),
  identifier: z.string(),
  description: z.string().optional(),
  network: z.enum(['public', 'secret']).optional(),
});

const view = (project: RawProject): z.input<typeof projectView> => ({
  id: project.id,
  name: project.name,
  identifier: project.identifier,
  ...(project.description ? { description: project.description } : {}),
  ...(project.network === 2 ? { network: 'public' } : project.network === 0 ? { network: 'secret' } : {}),
});

/** True when a destroy found nothing to delete: a compensation may run twice. */
export async function deletedOrGone(remove: () => Promise<unknown>): Promise<boolean> {
  try {
    await remove();
    return true;
  } catch (error) {
    if (error instanceof ToolError && error.category === 'not_found') return false;
    throw error;
  }
}

export const projectOperations = {
  listProjects: operation({
    description: 'List the projects of the workspace (every page).',
    kind: 'read',
    idempotent: true,
    input: z.object({}),
    output: z.object({ projects: z.array(projectView) }),
    run: async ({ client, signal }) => {
      const { items } = await client.listAll<RawProject>('/projects/', { signal });
      return { projects: items.map(view) };
    },
  }),
  createProject: operation({
    description:
      'Create a project. Its identifier (the prefix of work item ids, e.g. WEB) is unique in the workspace, ' +
      'which is how a retry finds a project an interrupted attempt created.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      name: z.string().trim().min(1).max(255),
      identifier: z
        .string()
        .regex(/^[A-Za-z0-9]{1,12}$/, 'must be 1-12 letters or digits')
        .transform((value) => value.toUpperCase()),
      description: z.string().max(10_000).optional(),
      network: z.enum(['public', 'secret']).default('public'),
    }),
    output: projectView,
    compensate: { operation: 'deleteProject', input: (_input, output) => ({ projectId: output.id }) },
    recover: async ({ client, signal }, input) => {
      const { items } = await client.listAll<RawProject>('/projects/', { signal });
      const found = items.find(
        (project) => project.identifier === input.identifier && project.name === input.name,
      );
      return found ? projectView.parse(view(found)) : undefined;
    },
    run: async ({ client, signal }, input) =>
      view(
        await client.request<RawProject>('POST', '/projects/', {
          body: {
            name: input.name,
            identifier: input.identifier,
            network: input.network === 'public' ? 2 : 0,
            ...(input.description ? { description: input.description } : {}),
          },
          signal,
        }),
      ),
  }),
  deleteProject: operation({
    description: 'Delete a project and everything in it (the compensation of createProject).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ projectId: planeId }),
    output: z.object({ projectId: z.string(), deleted: z.boolean() }),
    run: async ({ client, signal }, input) => ({
      projectId: input.projectId,
      deleted: await deletedOrGone(() =>
        client.request('DELETE', `/projects/${input.projectId}/`, { signal }),
      ),
    }),
  }),
};
