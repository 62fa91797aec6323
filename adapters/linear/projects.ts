import type { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { gql } from './client.js';
import { idFor, isUuid } from './ids.js';
import { resolveTeam } from './lookups.js';
import { teamRef } from './teams.js';

const operation = defineOperation<LinearClient>();

const projectFields = 'id name description url teams { nodes { id key } }';

interface ProjectNode {
  id: string;
  name: string;
  description: string;
  url: string;
  teams: { nodes: { id: string; key: string }[] };
}

const projectView = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  url: z.string(),
  teams: z.array(z.object({ id: z.string(), key: z.string() })),
});

const viewOf = ({ teams, ...project }: ProjectNode) => ({ ...project, teams: teams.nodes });

export const projectOperations = {
  createProject: operation({
    description:
      'Create a project for one or more teams (by id or key), with a short description and markdown content. ' +
      'Retries never create it twice: its id is derived from the idempotency key.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      name: z.string().trim().min(1).max(255),
      teams: z.array(teamRef).min(1).max(20),
      /** Linear keeps the description short; longer text belongs in content. */
      description: z.string().max(255).optional(),
      content: z.string().max(100_000).optional(),
    }),
    output: projectView,
    recover: async ({ client, tenantId, idempotencyKey }) => {
      if (!idempotencyKey) return undefined;
      try {
        const data = await gql<{ project: ProjectNode }>(
          client,
          `query SomagentProject($id: String!) { project(id: $id) { ${projectFields} } }`,
          { id: idFor('project', tenantId, idempotencyKey) },
        );
        return viewOf(data.project);
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found') return undefined;
        throw error;
      }
    },
    run: async ({ client, tenantId, idempotencyKey }, input) => {
      const teamIds = await Promise.all(
        input.teams.map(async (team) => (isUuid(team) ? team : (await resolveTeam(client, team)).id)),
      );
      const data = await gql<{ projectCreate: { success: boolean; project: ProjectNode | null } }>(
        client,
        `mutation SomagentProjectCreate($input: ProjectCreateInput!) {
          projectCreate(input: $input) { success project { ${projectFields} } }
        }`,
        {
          input: {
            ...(idempotencyKey ? { id: idFor('project', tenantId, idempotencyKey) } : {}),
            name: input.name,
            teamIds: [...new Set(teamIds)],
            ...(input.description === undefined ? {} : { description: input.description }),
            ...(input.content === undefined ? {} : { content: input.content }),
          },
        },
      );
      const project = data.projectCreate.project;
      if (!data.projectCreate.success || !project) {
        throw new ToolError('transient', 'Linear did not confirm the project it was asked to create', {
          tool: 'linear',
        });
      }
      return viewOf(project);
    },
  }),
};
