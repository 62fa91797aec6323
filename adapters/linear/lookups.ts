import type { LinearClient } from '@linear/sdk';
import { ToolError } from '../core/errors.js';
import { collectPages, gql, type Page } from './client.js';
import { isUuid } from './ids.js';

const pageInfo = 'pageInfo { hasNextPage endCursor }';

export interface TeamNode {
  id: string;
  key: string;
  name: string;
  description: string | null;
  private: boolean;
}

export interface LabelNode {
  id: string;
  name: string;
  color: string;
  description: string | null;
  isGroup: boolean;
  team: { id: string; key: string } | null;
}

export interface StateNode {
  id: string;
  name: string;
  type: string;
  color: string;
  position: number;
}

const teamsDocument = `query SomagentTeams($after: String, $filter: TeamFilter) {
  teams(first: 100, after: $after, filter: $filter) { nodes { id key name description private } ${pageInfo} }
}`;

const labelsDocument = `query SomagentLabels($after: String, $filter: IssueLabelFilter) {
  issueLabels(first: 100, after: $after, filter: $filter) {
    nodes { id name color description isGroup team { id key } }
    ${pageInfo}
  }
}`;

const statesDocument = `query SomagentStates($teamId: String!, $after: String) {
  team(id: $teamId) { states(first: 100, after: $after) { nodes { id name type color position } ${pageInfo} } }
}`;

/** Every team the key can see. */
export async function allTeams(client: LinearClient, filter?: Record<string, unknown>): Promise<TeamNode[]> {
  const { nodes } = await collectPages<TeamNode, { teams: Page<TeamNode> }>(
    client,
    teamsDocument,
    filter ? { filter } : {},
    (data) => data.teams,
  );
  return nodes;
}

/** A team by id or key (ENG); a missing one is not_found. */
export async function resolveTeam(client: LinearClient, ref: string): Promise<TeamNode> {
  const filter = isUuid(ref) ? { id: { eq: ref } } : { key: { eqIgnoreCase: ref } };
  const [team] = await allTeams(client, filter);
  if (!team)
    throw new ToolError('not_found', `Linear has no team ${ref} that this key can see`, { tool: 'linear' });
  return team;
}

/** The labels an issue of the team can carry: the team's own and the workspace's; without a team, all. */
export async function labelsFor(client: LinearClient, teamId?: string): Promise<LabelNode[]> {
  const filter = teamId ? { or: [{ team: { id: { eq: teamId } } }, { team: { null: true } }] } : undefined;
  const { nodes } = await collectPages<LabelNode, { issueLabels: Page<LabelNode> }>(
    client,
    labelsDocument,
    filter ? { filter } : {},
    (data) => data.issueLabels,
  );
  return nodes;
}

/** The workflow states of a team, in board order. */
export async function statesOf(client: LinearClient, teamId: string): Promise<StateNode[]> {
  const { nodes } = await collectPages<StateNode, { team: { states: Page<StateNode> } }>(
    client,
    statesDocument,
    { teamId },
    (data) => data.team.states,
  );
  return nodes.sort((a, b) => a.position - b.position);
}

/** Label ids for ids or names (case-insensitive; a team's label wins over a workspace label of the same name). */
export function labelIdsFor(labels: LabelNode[], refs: string[]): string[] {
  const usable = labels.filter((label) => !label.isGroup);
  const unknown: string[] = [];
  const ids = refs.map((ref) => {
    const byId = usable.find((label) => label.id === ref);
    const byName = usable
      .filter((label) => label.name.toLowerCase() === ref.toLowerCase())
      .sort((a, b) => Number(b.team !== null) - Number(a.team !== null));
    const found = byId ?? byName[0];
    if (!found) unknown.push(ref);
    return found?.id ?? '';
  });
  if (unknown.length > 0) {
    throw new ToolError(
      'invalid_input',
      `Linear has no label ${unknown.join(', ')} for this team; it has: ${usable.map((label) => label.name).join(', ') || 'none'}`,
      { tool: 'linear' },
    );
  }
  return [...new Set(ids)];
}

/** A state id for an id, a name (Todo) or a type (started), case-insensitive. */
export function stateIdFor(states: StateNode[], ref: string): string {
  const lower = ref.toLowerCase();
  const found =
    states.find((state) => state.id === ref) ??
    states.find((state) => state.name.toLowerCase() === lower) ??
    states.find((state) => state.type.toLowerCase() === lower);
  if (!found) {
    throw new ToolError(
      'invalid_input',
      `the team has no workflow state ${ref}; it has: ${states.map((state) => state.name).join(', ')}`,
      { tool: 'linear' },
    );
  }
  return found.id;
}

/** A user id for an id, an email address, or "me" (the key's own user). */
export async function userIdFor(client: LinearClient, ref: string): Promise<string> {
  if (isUuid(ref)) return ref;
  if (ref === 'me')
    return (await gql<{ viewer: { id: string } }>(client, 'query SomagentViewer { viewer { id } }')).viewer
      .id;
  const data = await gql<{ users: { nodes: { id: string }[] } }>(
    client,
    'query SomagentUserByEmail($email: String!) { users(first: 2, filter: { email: { eqIgnoreCase: $email } }) { nodes { id } } }',
    { email: ref },
  );
  const [user] = data.users.nodes;
  if (!user)
    throw new ToolError('invalid_input', `Linear has no user with the email ${ref}`, { tool: 'linear' });
  return user.id;
}
