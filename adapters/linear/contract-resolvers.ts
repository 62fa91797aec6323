import type {
  GraphqlContractRequest,
  GraphqlGuardAnswer,
  GraphqlResolvers,
} from '../../test/contract/graphql-contract-server.js';
import type { FakeComment, FakeIssue, FakeProject, FakeTeam, LinearFake } from './contract-fake.js';
import { matchesFilter, type LinearFilter } from './contract-filter.js';
import { linearScalars } from './contract-scalars.js';

/** The arguments every Linear connection field takes (the ones the fake implements). */
interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
  includeArchived?: boolean | null;
  orderBy?: 'createdAt' | 'updatedAt' | null;
  filter?: LinearFilter | null;
}

const workspaceUrl = 'https://linear.app/somagent-test';

/**
 * A Relay connection over the fake's entities as Linear pages them: 50 by default, the cursor of a
 * node is its id, archived entities only with includeArchived. Backward paging is not implemented:
 * asking for it throws, which the server records as a violation.
 */
function connection<T extends { id: string; createdAt: Date; updatedAt: Date; archivedAt?: Date | null }>(
  items: T[],
  args: ConnectionArgs,
) {
  if (args.last != null || args.before != null)
    throw new Error('the Linear fake does not page backwards (last/before)');
  const order = args.orderBy ?? 'createdAt';
  const visible = items
    .filter((item) => args.includeArchived === true || !item.archivedAt)
    .filter((item) => matchesFilter(item, args.filter))
    .sort((a, b) => a[order].getTime() - b[order].getTime());
  const start = args.after ? visible.findIndex((item) => item.id === args.after) + 1 : 0;
  if (args.after && start === 0) throw new Error(`cursor ${args.after} names no node of this connection`);
  const page = visible.slice(start, start + (args.first ?? 50));
  const hasNextPage = start + page.length < visible.length;
  return {
    nodes: page,
    edges: page.map((node) => ({ node, cursor: node.id })),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: start > 0,
      startCursor: page[0]?.id ?? null,
      endCursor: page.at(-1)?.id ?? null,
    },
  };
}

const issueUrl = (issue: FakeIssue) => `${workspaceUrl}/issue/${issue.identifier}`;
const priorityLabels = ['No priority', 'Urgent', 'High', 'Medium', 'Low'];

/** Resolvers that answer Linear's schema from the fake's state. */
export function linearResolvers(fake: LinearFake): GraphqlResolvers {
  const mutationPayload = <T>(key: string, entity: T) => ({
    success: true,
    lastSyncId: fake.nextSyncId(),
    [key]: entity,
  });
  return {
    ...linearScalars,
    Query: {
      viewer: () => fake.viewer,
      teams: (_: unknown, args: ConnectionArgs) => connection(fake.teams, args),
      team: (_: unknown, args: { id: string }) => fake.team(args.id),
      users: (_: unknown, args: ConnectionArgs) => connection(fake.users, args),
      issueLabels: (_: unknown, args: ConnectionArgs) => connection(fake.labels, args),
      issue: (_: unknown, args: { id: string }) => fake.issue(args.id),
      project: (_: unknown, args: { id: string }) => fake.project(args.id),
      comment: (_: unknown, args: { id?: string | null }) => fake.comment(args.id ?? ''),
    },
    Mutation: {
      issueCreate: (_: unknown, args: { input: Record<string, unknown> }) =>
        mutationPayload('issue', fake.createIssue(args.input)),
      projectCreate: (_: unknown, args: { input: Record<string, unknown> }) =>
        mutationPayload('project', fake.createProject(args.input)),
      commentCreate: (_: unknown, args: { input: Record<string, unknown> }) =>
        mutationPayload('comment', fake.createComment(args.input)),
      issueArchive: (_: unknown, args: { id: string; trash?: boolean | null }) =>
        mutationPayload('entity', fake.archiveIssue(args.id, args.trash === true)),
    },
    Team: {
      issues: (team: FakeTeam, args: ConnectionArgs) =>
        connection(
          fake.issues.filter((issue) => issue.team === team),
          args,
        ),
      labels: (team: FakeTeam, args: ConnectionArgs) =>
        connection(
          fake.labels.filter((label) => label.team === team),
          args,
        ),
      states: (team: FakeTeam, args: ConnectionArgs) =>
        connection(
          fake.states.filter((state) => state.team === team),
          args,
        ),
    },
    Issue: {
      url: issueUrl,
      labelIds: (issue: FakeIssue) => issue.labels.map((label) => label.id),
      labels: (issue: FakeIssue, args: ConnectionArgs) => connection(issue.labels, args),
      priorityLabel: (issue: FakeIssue) => priorityLabels[issue.priority] ?? 'No priority',
    },
    Project: {
      url: (project: FakeProject) => `${workspaceUrl}/project/${project.slugId}`,
      teams: (project: FakeProject, args: ConnectionArgs) => connection(project.teams, args),
    },
    Comment: {
      url: (comment: FakeComment) => `${issueUrl(comment.issue)}#comment-${comment.id.slice(0, 8)}`,
    },
  };
}

/**
 * What Linear answers before it looks at a document: 401 AUTHENTICATION_ERROR for a key it does
 * not know, and while a rate limit is armed, 400 RATELIMITED with the X-RateLimit-* headers.
 */
export function linearGuard(fake: LinearFake) {
  return (request: GraphqlContractRequest): GraphqlGuardAnswer | undefined => {
    if (request.headers.authorization !== fake.apiKey) {
      return {
        status: 401,
        body: {
          errors: [
            {
              message: 'Authentication required, not authenticated',
              extensions: {
                type: 'authentication error',
                code: 'AUTHENTICATION_ERROR',
                statusCode: 401,
                userError: true,
                userPresentableMessage: 'You need to authenticate to access this operation.',
              },
            },
          ],
        },
      };
    }
    if (fake.rateLimit.remaining > 0) {
      fake.rateLimit.remaining -= 1;
      return {
        status: 400,
        headers: {
          'x-ratelimit-requests-limit': '5000',
          'x-ratelimit-requests-remaining': '0',
          'x-ratelimit-requests-reset': String(Date.now() + fake.rateLimit.resetInMs),
        },
        body: {
          errors: [
            {
              message: 'Rate limit exceeded. Only 5000 requests are allowed per 1 hour.',
              extensions: { type: 'ratelimited', code: 'RATELIMITED', statusCode: 429, userError: true },
            },
          ],
        },
      };
    }
    return undefined;
  };
}
