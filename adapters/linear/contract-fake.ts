import { randomBytes, randomUUID } from 'node:crypto';
import { VendorGraphqlError } from '../../test/contract/graphql-contract-server.js';

interface Timestamps {
  createdAt: Date;
  updatedAt: Date;
}

/** Entities keep the SDL's field names, so graphql-js's default resolvers read them as they are. */
export interface FakeUser extends Timestamps {
  id: string;
  name: string;
  displayName: string;
  email: string;
  active: boolean;
}
export interface FakeTeam extends Timestamps {
  id: string;
  key: string;
  name: string;
  description: string | null;
  private: boolean;
  /** Numbers the team's issues (ENG-1, ENG-2, ...). */
  issueCount: number;
}
export interface FakeState extends Timestamps {
  id: string;
  name: string;
  type: 'backlog' | 'unstarted' | 'started' | 'completed' | 'canceled';
  color: string;
  position: number;
  team: FakeTeam;
}
export interface FakeLabel extends Timestamps {
  id: string;
  name: string;
  color: string;
  description: string | null;
  isGroup: boolean;
  /** Null for a workspace label. */
  team: FakeTeam | null;
}
export interface FakeProject extends Timestamps {
  id: string;
  name: string;
  description: string;
  content: string | null;
  slugId: string;
  teams: FakeTeam[];
}
export interface FakeIssue extends Timestamps {
  id: string;
  number: number;
  identifier: string;
  title: string;
  description: string | null;
  priority: number;
  team: FakeTeam;
  state: FakeState;
  labels: FakeLabel[];
  assignee: FakeUser | null;
  project: FakeProject | null;
  creator: FakeUser;
  archivedAt: Date | null;
  trashed: boolean;
}
export interface FakeComment extends Timestamps {
  id: string;
  body: string;
  issue: FakeIssue;
  user: FakeUser;
}

const uuidV4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Linear's answer for a missing entity: HTTP 400, `INPUT_ERROR`, "Entity not found: Issue". */
export function entityNotFound(entity: string): VendorGraphqlError {
  return new VendorGraphqlError(
    `Entity not found: ${entity}`,
    {
      type: 'invalid input',
      code: 'INPUT_ERROR',
      statusCode: 400,
      userError: true,
      userPresentableMessage: `Could not find referenced ${entity}.`,
    },
    400,
  );
}

/** Linear's answer for input it refuses. */
export function invalidInput(message: string): VendorGraphqlError {
  return new VendorGraphqlError(
    'Argument Validation Error',
    {
      type: 'invalid input',
      code: 'INPUT_ERROR',
      statusCode: 400,
      userError: true,
      userPresentableMessage: message,
    },
    400,
  );
}

/** Linear's answer for something the key may see but not touch. */
export function forbidden(message: string): VendorGraphqlError {
  return new VendorGraphqlError(
    'Forbidden',
    {
      type: 'forbidden',
      code: 'FORBIDDEN',
      statusCode: 403,
      userError: true,
      userPresentableMessage: message,
    },
    400,
  );
}

/**
 * A small Linear workspace in memory: a viewer, teams with workflow states, workspace and team
 * labels, projects, issues and comments, with the rules Linear applies when creating them.
 */
export class LinearFake {
  /** The one key the fake accepts, as a personal API key is sent: the raw key, no "Bearer". */
  readonly apiKey = `lin_api_${randomBytes(20).toString('hex')}`;
  readonly users: FakeUser[] = [];
  readonly teams: FakeTeam[] = [];
  readonly states: FakeState[] = [];
  readonly labels: FakeLabel[] = [];
  readonly projects: FakeProject[] = [];
  readonly issues: FakeIssue[] = [];
  readonly comments: FakeComment[] = [];
  readonly viewer: FakeUser;
  /** Teams the key may list but not read or write: they answer FORBIDDEN. */
  readonly forbiddenTeamIds = new Set<string>();
  /** How many of the next requests are answered RATELIMITED, and when that limit resets. */
  rateLimit = { remaining: 0, resetInMs: 2000 };
  private syncId = 1000;

  constructor() {
    this.viewer = this.addUser('SomaGent Bot', 'bot@somagent.test');
    this.addUser('Ada Lovelace', 'ada@somagent.test');
    const eng = this.addTeam('ENG', 'Engineering');
    this.addTeam('OPS', 'Operations');
    this.addLabel('Bug', null);
    this.addLabel('Feature', null);
    this.addLabel('Infra', eng);
  }

  addUser(name: string, email: string): FakeUser {
    const user = {
      id: randomUUID(),
      name,
      displayName: name.split(' ')[0] ?? name,
      email,
      active: true,
      ...now(),
    };
    this.users.push(user);
    return user;
  }

  /** A team with Linear's default workflow. */
  addTeam(key: string, name: string): FakeTeam {
    const team: FakeTeam = {
      id: randomUUID(),
      key,
      name,
      description: null,
      private: false,
      issueCount: 0,
      ...now(),
    };
    this.teams.push(team);
    const workflow: [string, FakeState['type'], string][] = [
      ['Backlog', 'backlog', '#bec2c8'],
      ['Todo', 'unstarted', '#e2e2e2'],
      ['In Progress', 'started', '#f2c94c'],
      ['Done', 'completed', '#5e6ad2'],
      ['Canceled', 'canceled', '#95a2b3'],
    ];
    workflow.forEach(([stateName, type, color], position) =>
      this.states.push({ id: randomUUID(), name: stateName, type, color, position, team, ...now() }),
    );
    return team;
  }

  addLabel(name: string, team: FakeTeam | null): FakeLabel {
    const label = {
      id: randomUUID(),
      name,
      color: '#eb5757',
      description: null,
      isGroup: false,
      team,
      ...now(),
    };
    this.labels.push(label);
    return label;
  }

  teamByKey(key: string): FakeTeam {
    const team = this.teams.find((candidate) => candidate.key === key);
    if (!team) throw new Error(`the fake has no team ${key}`);
    return team;
  }

  nextSyncId(): number {
    return ++this.syncId;
  }

  team(id: string): FakeTeam {
    const team = this.teams.find((candidate) => candidate.id === id);
    if (!team) throw entityNotFound('Team');
    if (this.forbiddenTeamIds.has(team.id)) throw forbidden(`You don't have access to the team ${team.key}.`);
    return team;
  }

  /** An issue by UUID or identifier, archived ones included, as `issue(id:)` finds them. */
  issue(ref: string): FakeIssue {
    const issue = this.issues.find(
      (candidate) => candidate.id === ref || candidate.identifier === ref.toUpperCase(),
    );
    if (!issue) throw entityNotFound('Issue');
    return issue;
  }

  project(id: string): FakeProject {
    const project = this.projects.find((candidate) => candidate.id === id);
    if (!project) throw entityNotFound('Project');
    return project;
  }

  comment(id: string): FakeComment {
    const comment = this.comments.find((candidate) => candidate.id === id);
    if (!comment) throw entityNotFound('Comment');
    return comment;
  }

  /** `issueCreate` with Linear's checks: the team, labels of that team or the workspace, a state of that team. */
  createIssue(input: Record<string, unknown>): FakeIssue {
    const team = this.team(String(input.teamId));
    const id = this.newId(input.id, this.issues);
    if (typeof input.title !== 'string' || input.title.trim() === '')
      throw invalidInput('Title is required.');
    const labels = ((input.labelIds as string[] | undefined) ?? []).map((labelId) => {
      const label = this.labels.find((candidate) => candidate.id === labelId);
      if (!label) throw entityNotFound('IssueLabel');
      if (label.isGroup)
        throw invalidInput(`The label ${label.name} is a group and cannot be applied to issues.`);
      if (label.team && label.team !== team)
        throw invalidInput(`The label ${label.name} belongs to another team.`);
      return label;
    });
    const state = input.stateId
      ? this.states.find((candidate) => candidate.id === input.stateId)
      : this.states.find((candidate) => candidate.team === team && candidate.type === 'unstarted');
    if (!state) throw entityNotFound('WorkflowState');
    if (state.team !== team) throw invalidInput(`The state ${state.name} belongs to another team.`);
    const assignee = input.assigneeId ? this.users.find((user) => user.id === input.assigneeId) : null;
    if (assignee === undefined) throw entityNotFound('User');
    const project = input.projectId ? this.project(String(input.projectId)) : null;
    if (project && !project.teams.includes(team))
      throw invalidInput("The project is not part of the issue's team.");
    team.issueCount += 1;
    const issue: FakeIssue = {
      id,
      number: team.issueCount,
      identifier: `${team.key}-${team.issueCount}`,
      title: input.title,
      description: typeof input.description === 'string' ? input.description : null,
      priority: typeof input.priority === 'number' ? input.priority : 0,
      team,
      state,
      labels,
      assignee,
      project,
      creator: this.viewer,
      archivedAt: null,
      trashed: false,
      ...now(),
    };
    this.issues.push(issue);
    return issue;
  }

  createProject(input: Record<string, unknown>): FakeProject {
    const id = this.newId(input.id, this.projects);
    if (typeof input.name !== 'string' || input.name.trim() === '') throw invalidInput('Name is required.');
    const teamIds = (input.teamIds as string[] | undefined) ?? [];
    if (teamIds.length === 0) throw invalidInput('A project needs at least one team.');
    const project: FakeProject = {
      id,
      name: input.name,
      description: typeof input.description === 'string' ? input.description : '',
      content: typeof input.content === 'string' ? input.content : null,
      slugId: randomBytes(6).toString('hex'),
      teams: teamIds.map((teamId) => this.team(teamId)),
      ...now(),
    };
    this.projects.push(project);
    return project;
  }

  createComment(input: Record<string, unknown>): FakeComment {
    const id = this.newId(input.id, this.comments);
    if (typeof input.issueId !== 'string')
      throw invalidInput('A comment needs an issue, project update or document.');
    const issue = this.issue(input.issueId);
    if (typeof input.body !== 'string' || input.body.trim() === '')
      throw invalidInput('The comment body is empty.');
    const comment: FakeComment = { id, body: input.body, issue, user: this.viewer, ...now() };
    this.comments.push(comment);
    return comment;
  }

  /** `issueArchive`: archiving an archived issue again changes nothing and succeeds. */
  archiveIssue(ref: string, trash: boolean): FakeIssue {
    const issue = this.issue(ref);
    if (!issue.archivedAt) {
      issue.archivedAt = new Date();
      issue.updatedAt = issue.archivedAt;
    }
    if (trash) issue.trashed = true;
    return issue;
  }

  /** A client-chosen id must be a UUID v4 nobody has taken; without one, the server makes one. */
  private newId(requested: unknown, taken: { id: string }[]): string {
    if (requested === undefined || requested === null) return randomUUID();
    if (typeof requested !== 'string' || !uuidV4.test(requested)) throw invalidInput('id must be a UUID v4.');
    if (taken.some((entity) => entity.id === requested))
      throw invalidInput('An entity with this id already exists.');
    return requested;
  }
}

function now(): Timestamps {
  const at = new Date();
  return { createdAt: at, updatedAt: at };
}
