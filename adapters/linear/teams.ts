import type { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { allTeams, labelsFor, resolveTeam, statesOf } from './lookups.js';

const operation = defineOperation<LinearClient>();

/** A team by its id (UUID) or key (ENG). */
export const teamRef = z.string().trim().min(1).describe('team id (UUID) or key (ENG)');

export const teamOperations = {
  listTeams: operation({
    description: 'List the teams the key can see (id, key, name): the ids every other operation takes.',
    kind: 'read',
    idempotent: true,
    input: z.object({}),
    output: z.object({
      teams: z.array(
        z.object({
          id: z.string(),
          key: z.string(),
          name: z.string(),
          description: z.string().nullable(),
          private: z.boolean(),
        }),
      ),
    }),
    run: async ({ client }) => ({ teams: await allTeams(client) }),
  }),
  listLabels: operation({
    description:
      "List issue labels: with a team, the team's own labels and the workspace's (the ones its issues can carry); without, all.",
    kind: 'read',
    idempotent: true,
    input: z.object({ team: teamRef.optional() }),
    output: z.object({
      labels: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          color: z.string(),
          description: z.string().nullable(),
          /** Group labels only hold other labels; issues cannot carry them. */
          isGroup: z.boolean(),
          teamKey: z.string().nullable(),
        }),
      ),
    }),
    run: async ({ client }, input) => {
      const teamId = input.team ? (await resolveTeam(client, input.team)).id : undefined;
      const labels = await labelsFor(client, teamId);
      return {
        labels: labels.map(({ team, ...label }) => ({ ...label, teamKey: team?.key ?? null })),
      };
    },
  }),
  listStates: operation({
    description:
      "List a team's workflow states in board order (name and type: backlog, unstarted, started, completed, canceled).",
    kind: 'read',
    idempotent: true,
    input: z.object({ team: teamRef }),
    output: z.object({
      states: z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          type: z.string(),
          color: z.string(),
          position: z.number(),
        }),
      ),
    }),
    run: async ({ client }, input) => ({
      states: await statesOf(client, (await resolveTeam(client, input.team)).id),
    }),
  }),
};
