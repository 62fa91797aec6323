import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { richText, toAdf } from './adf.js';
import { jira, type JiraClient } from './client.js';
import { issueKey } from './issues.js';

const operation = defineOperation<JiraClient>();

const same = (a: string | undefined, b: string) => a?.trim().toLowerCase() === b.trim().toLowerCase();

export const transitionOperations = {
  transitionIssue: operation({
    description:
      'Move an issue to a status by name ("In Progress", "Done"): the transition leading there is looked up ' +
      'among those the workflow offers now. An issue already in that status is left alone.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      issueKey,
      status: z.string().min(1),
      /** A comment added with the transition. */
      comment: richText.optional(),
      /** Fields the transition screen asks for (resolution, ...), by id. */
      fields: z.record(z.string(), z.unknown()).optional(),
    }),
    output: z.object({
      issueKey: z.string(),
      status: z.string(),
      changed: z.boolean(),
      transitionId: z.string().optional(),
      transitionName: z.string().optional(),
    }),
    run: async ({ client }, input) => {
      const { transitions = [] } = await jira(() =>
        client.api.issues.getTransitions({ issueIdOrKey: input.issueKey }),
      );
      const available = transitions.filter((transition) => transition.isAvailable !== false && transition.id);
      // The target status decides; a transition's own name ("Start progress") is the fallback.
      const chosen =
        available.find((transition) => same(transition.to?.name, input.status)) ??
        available.find((transition) => same(transition.name, input.status));
      if (!chosen?.id) {
        const issue = await jira(() =>
          client.api.issues.getIssue({ issueIdOrKey: input.issueKey, fields: ['status'] }),
        );
        const current = (issue.fields as { status?: { name?: string } } | undefined)?.status?.name;
        if (current !== undefined && same(current, input.status)) {
          return { issueKey: input.issueKey, status: current, changed: false };
        }
        const reachable = available.map((transition) => transition.to?.name ?? transition.name).join(', ');
        throw new ToolError(
          'conflict',
          `${input.issueKey} is in "${current ?? 'unknown'}" and cannot move to "${input.status}"; reachable: ${reachable || 'none'}`,
        );
      }
      const transitionId = chosen.id;
      await jira(() =>
        client.api.issues.doTransition({
          issueIdOrKey: input.issueKey,
          transition: { id: transitionId },
          ...(input.fields ? { fields: input.fields } : {}),
          ...(input.comment === undefined
            ? {}
            : { update: { comment: [{ add: { body: toAdf(input.comment) } }] } }),
        }),
      );
      return {
        issueKey: input.issueKey,
        status: chosen.to?.name ?? input.status,
        changed: true,
        transitionId,
        ...(chosen.name ? { transitionName: chosen.name } : {}),
      };
    },
  }),
};
