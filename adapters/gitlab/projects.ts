import type { ProjectSchema } from '@gitbeaker/rest';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { projectRef, unlessMissing, type GitlabClient } from './client.js';

const operation = defineOperation<GitlabClient>();

const projectOutput = z.object({
  projectId: z.number().int(),
  pathWithNamespace: z.string(),
  webUrl: z.string(),
  httpUrlToRepo: z.string(),
  defaultBranch: z.string().nullable(),
  visibility: z.string(),
});

const projectView = (project: ProjectSchema): z.output<typeof projectOutput> => ({
  projectId: project.id,
  pathWithNamespace: project.path_with_namespace,
  webUrl: project.web_url,
  httpUrlToRepo: project.http_url_to_repo,
  defaultBranch: project.default_branch ?? null,
  visibility: project.visibility,
});

/** What GitLab would make of a name as a path; sent explicitly so a retry knows where to look. */
export const pathFromName = (name: string) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^[-_.]+|[-_.]+$/g, '') || 'project';

const createInput = z.object({
  name: z.string().min(1).max(255),
  /** The URL path; derived from the name when absent. */
  path: z
    .string()
    .regex(/^[a-zA-Z0-9_][a-zA-Z0-9_.-]*$/)
    .max(255)
    .optional(),
  /** Full path of the group (or subgroup) to create it in; the token's user's own namespace when absent. */
  namespace: z.string().min(1).optional(),
  description: z.string().max(2000).optional(),
  visibility: z.enum(['private', 'internal', 'public']).default('private'),
  initializeWithReadme: z.boolean().default(true),
  defaultBranch: z.string().min(1).default('main'),
});

async function fullPathOf(client: GitlabClient, input: z.output<typeof createInput>) {
  const namespace = input.namespace ?? (await client.Users.showCurrentUser()).username;
  return `${namespace}/${input.path ?? pathFromName(input.name)}`;
}

export const projectOperations = {
  createProject: operation({
    description: "Create a project (repository) in a group or in the token user's namespace.",
    kind: 'write',
    idempotent: false,
    input: createInput,
    output: projectOutput,
    compensate: {
      operation: 'deleteProject',
      input: (_input, output) => ({ project: String(output.projectId) }),
    },
    // Paths are unique in a namespace: the path finds what an interrupted attempt created.
    recover: async ({ client }, input) => {
      const found = await unlessMissing(client.Projects.show(await fullPathOf(client, input)));
      return found ? projectView(found) : undefined;
    },
    run: async ({ client }, input) => {
      const namespaceId = input.namespace ? (await client.Namespaces.show(input.namespace)).id : undefined;
      const project = await client.Projects.create({
        name: input.name,
        path: input.path ?? pathFromName(input.name),
        ...(namespaceId === undefined ? {} : { namespaceId }),
        ...(input.description ? { description: input.description } : {}),
        visibility: input.visibility,
        initializeWithReadme: input.initializeWithReadme,
        defaultBranch: input.defaultBranch,
      });
      return projectView(project);
    },
  }),
  deleteProject: operation({
    description:
      'Delete a project (the compensation of createProject). Groups with delayed deletion keep it restorable for their ' +
      'retention period; one already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ project: projectRef }),
    output: z.object({ project: z.string(), deleted: z.boolean() }),
    run: async ({ client }, input) => {
      const removed = await unlessMissing(client.Projects.remove(input.project).then(() => true));
      return { project: input.project, deleted: removed === true };
    },
  }),
};
