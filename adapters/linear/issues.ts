import type { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { collectPages, gql, type Page } from './client.js';
import { idFor, isUuid, issueRef, linearId } from './ids.js';
import { fetchIssue, issueFragment, issueView, viewsOf, type IssueNode } from './issue-view.js';
import { labelIdsFor, labelsFor, resolveTeam, stateIdFor, statesOf, userIdFor } from './lookups.js';
import { teamRef } from './teams.js';

const operation = defineOperation<LinearClient>();

const createIssueDocument = `mutation SomagentIssueCreate($input: IssueCreateInput!) {
  issueCreate(input: $input) { success issue { ...SomagentIssue } }
}
${issueFragment}`;

const teamIssuesDocument = `query SomagentTeamIssues($teamId: String!, $after: String, $includeArchived: Boolean) {
  team(id: $teamId) {
    issues(first: 50, after: $after, includeArchived: $includeArchived, orderBy: createdAt) {
      nodes { ...SomagentIssue }
      pageInfo { hasNextPage endCursor }
    }
  }
}
${issueFragment}`;

const archiveDocument = `mutation SomagentIssueArchive($id: String!, $trash: Boolean) {
  issueArchive(id: $id, trash: $trash) { success entity { id archivedAt } }
}`;

/** The issue an attempt under this key created, if it exists: its id was derived from the key. */
async function issueCreatedUnder(client: LinearClient, tenantId: string, idempotencyKey: string | undefined) {
  if (!idempotencyKey) return undefined;
  try {
    return await fetchIssue(client, idFor('issue', tenantId, idempotencyKey));
  } catch (error) {
    if (error instanceof ToolError && error.category === 'not_found') return undefined;
    throw error;
  }
}

export const issueOperations = {
  createIssue: operation({
    description:
      'Create an issue in a team: title, markdown description, labels and state by id or name, assignee by id, ' +
      'email or "me", priority, project. Retries never create it twice: its id is derived from the idempotency key.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      team: teamRef,
      title: z.string().trim().min(1).max(512),
      description: z.string().max(100_000).optional(),
      labels: z.array(z.string().trim().min(1)).max(50).default([]).describe('label ids or names'),
      state: z.string().trim().min(1).optional().describe('workflow state id, name (Todo) or type (started)'),
      assignee: z.string().trim().min(1).optional().describe('user id, email, or "me"'),
      priority: z
        .number()
        .int()
        .min(0)
        .max(4)
        .optional()
        .describe('0 none, 1 urgent, 2 high, 3 medium, 4 low'),
      projectId: linearId.optional(),
    }),
    output: issueView,
    compensate: {
      operation: 'archiveIssue',
      input: (_input, output) => ({ issueId: output.id, trash: true }),
    },
    recover: ({ client, tenantId, idempotencyKey }) => issueCreatedUnder(client, tenantId, idempotencyKey),
    run: async ({ client, tenantId, idempotencyKey }, input) => {
      const team = await resolveTeam(client, input.team);
      // Names become ids first, so a wrong one fails before anything is created.
      const labels = input.labels.length > 0 ? await labelsFor(client, team.id) : [];
      const labelIds = input.labels.length > 0 ? labelIdsFor(labels, input.labels) : undefined;
      const stateId = input.state ? stateIdFor(await statesOf(client, team.id), input.state) : undefined;
      const assigneeId = input.assignee ? await userIdFor(client, input.assignee) : undefined;
      const data = await gql<{ issueCreate: { success: boolean; issue: IssueNode | null } }>(
        client,
        createIssueDocument,
        {
          input: {
            ...(idempotencyKey ? { id: idFor('issue', tenantId, idempotencyKey) } : {}),
            teamId: team.id,
            title: input.title,
            ...(input.description === undefined ? {} : { description: input.description }),
            ...(labelIds ? { labelIds } : {}),
            ...(stateId ? { stateId } : {}),
            ...(assigneeId ? { assigneeId } : {}),
            ...(input.priority === undefined ? {} : { priority: input.priority }),
            ...(input.projectId ? { projectId: input.projectId } : {}),
          },
        },
      );
      const issue = data.issueCreate.issue;
      if (!data.issueCreate.success || !issue) {
        throw new ToolError('transient', 'Linear did not confirm the issue it was asked to create', {
          tool: 'linear',
        });
      }
      const [view] = await viewsOf(client, [issue], labels);
      return view as z.input<typeof issueView>;
    },
  }),
  getIssue: operation({
    description: 'Read one issue by id or identifier (ENG-123).',
    kind: 'read',
    idempotent: true,
    input: z.object({ issueId: issueRef }),
    output: issueView,
    run: ({ client }, input) => fetchIssue(client, input.issueId),
  }),
  listTeamIssues: operation({
    description:
      "List a team's issues, oldest first, following every page up to the limit (archived ones on request).",
    kind: 'read',
    idempotent: true,
    input: z.object({
      team: teamRef,
      includeArchived: z.boolean().default(false),
      limit: z.number().int().min(1).max(5000).default(1000),
    }),
    output: z.object({
      issues: z.array(issueView),
      /** False when the limit cut the list short. */
      complete: z.boolean(),
    }),
    run: async ({ client, heartbeat }, input) => {
      // An id goes to Linear as given, so a missing team is Linear's own "Entity not found".
      const teamId = isUuid(input.team) ? input.team : (await resolveTeam(client, input.team)).id;
      const { nodes, complete } = await collectPages<IssueNode, { team: { issues: Page<IssueNode> } }>(
        client,
        teamIssuesDocument,
        { teamId, includeArchived: input.includeArchived },
        (data) => data.team.issues,
        { limit: input.limit, onPage: (count) => heartbeat({ issues: count }) },
      );
      return { issues: await viewsOf(client, nodes), complete };
    },
  }),
  archiveIssue: operation({
    description:
      'Archive an issue, or with trash move it to the trash (deleted after 30 days); the compensation of createIssue. ' +
      'An issue already gone counts as done.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ issueId: issueRef, trash: z.boolean().default(false) }),
    output: z.object({ issueId: z.string(), archived: z.boolean(), archivedAt: z.string().nullable() }),
    run: async ({ client }, input) => {
      try {
        const data = await gql<{
          issueArchive: { success: boolean; entity: { id: string; archivedAt: string | null } | null };
        }>(client, archiveDocument, { id: input.issueId, trash: input.trash });
        return {
          issueId: data.issueArchive.entity?.id ?? input.issueId,
          archived: data.issueArchive.success,
          archivedAt: data.issueArchive.entity?.archivedAt ?? null,
        };
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found') {
          return { issueId: input.issueId, archived: false, archivedAt: null };
        }
        throw error;
      }
    },
  }),
};
