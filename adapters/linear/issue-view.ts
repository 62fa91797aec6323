import type { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { gql } from './client.js';
import { labelsFor } from './lookups.js';

/**
 * The issue fields every operation selects. Labels come as `labelIds` and are named from one
 * label lookup: a labels connection inside each issue of a page multiplies Linear's complexity
 * count by its page size.
 */
export const issueFragment = `fragment SomagentIssue on Issue {
  id identifier title description url priority createdAt updatedAt archivedAt labelIds
  state { id name type }
  team { id key }
  assignee { id name email }
  project { id name }
}`;

/** An issue as Linear returns it for `issueFragment`. */
export interface IssueNode {
  id: string;
  identifier: string;
  title: string;
  description: string | null;
  url: string;
  priority: number;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  labelIds: string[];
  state: { id: string; name: string; type: string };
  team: { id: string; key: string };
  assignee: { id: string; name: string; email: string } | null;
  project: { id: string; name: string } | null;
}

/** An issue as operations return it. */
export const issueView = z.object({
  id: z.string(),
  identifier: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  url: z.string(),
  /** 0 none, 1 urgent, 2 high, 3 medium, 4 low. */
  priority: z.number(),
  state: z.object({ id: z.string(), name: z.string(), type: z.string() }),
  team: z.object({ id: z.string(), key: z.string() }),
  labels: z.array(z.object({ id: z.string(), name: z.string().nullable() })),
  assignee: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  project: z.object({ id: z.string(), name: z.string() }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
});
export type IssueView = z.output<typeof issueView>;

/** Names each issue's labels with one lookup per team (a label archived since shows its id only). */
export async function viewsOf(
  client: LinearClient,
  issues: IssueNode[],
  known: { id: string; name: string }[] = [],
) {
  const names = new Map(known.map((label) => [label.id, label.name]));
  const teams = new Set(
    issues.filter((issue) => issue.labelIds.some((id) => !names.has(id))).map((issue) => issue.team.id),
  );
  for (const teamId of teams)
    for (const label of await labelsFor(client, teamId)) names.set(label.id, label.name);
  return issues.map(({ labelIds, ...issue }): IssueView => ({
    ...issue,
    labels: labelIds.map((id) => ({ id, name: names.get(id) ?? null })),
  }));
}

/** One issue by id or identifier; Linear answers "Entity not found" (not_found) for a missing one. */
export async function fetchIssue(client: LinearClient, id: string): Promise<IssueView> {
  const data = await gql<{ issue: IssueNode }>(
    client,
    `query SomagentIssue($id: String!) { issue(id: $id) { ...SomagentIssue } }\n${issueFragment}`,
    { id },
  );
  const [view] = await viewsOf(client, [data.issue]);
  return view as IssueView;
}
