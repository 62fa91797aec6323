import { compileSpec } from '../../test/contract/compiled-spec.js';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';
import { deref, isObject, type OpenApiDocument } from '../../test/contract/openapi-types.js';

/*
 * Test support: a small stateful Jira Cloud (issues, comments, a three-status workflow, JQL
 * search with token pages) behind the contract server, which checks every answer here against
 * Atlassian's published schema before it is sent.
 */

/** The site the fake's `self` links point to. */
export const fakeSite = 'https://somagent-test.atlassian.net';

const statusCategories = {
  new: { id: 2, key: 'new', name: 'To Do', colorName: 'blue-gray' },
  indeterminate: { id: 4, key: 'indeterminate', name: 'In Progress', colorName: 'yellow' },
  done: { id: 3, key: 'done', name: 'Done', colorName: 'green' },
};
const statuses: Record<string, { id: string; category: keyof typeof statusCategories }> = {
  'To Do': { id: '10000', category: 'new' },
  'In Progress': { id: '3', category: 'indeterminate' },
  Done: { id: '10001', category: 'done' },
};
/** Global transitions, one to each status, as Jira's simplified workflow has them. */
const workflow = [
  { id: '11', name: 'Back to do', to: 'To Do' },
  { id: '21', name: 'Start progress', to: 'In Progress' },
  { id: '31', name: 'Resolve', to: 'Done' },
];

/** An issue as the fake keeps it. */
export interface FakeIssue {
  id: string;
  key: string;
  projectKey: string;
  summary: string;
  issueType: string;
  status: string;
  labels: string[];
  description?: unknown;
  parentKey?: string;
  custom: Record<string, unknown>;
  created: string;
  comments: { id: string; body: unknown; created: string }[];
}

type NewIssue = Omit<FakeIssue, 'id' | 'key' | 'created' | 'comments'>;

/** Who the fake accepts, and its projects. */
export interface FakeJiraOptions {
  email: string;
  apiToken: string;
  /** Project key -> issue type names. */
  projects: Record<string, string[]>;
}

const user = (email: string) => ({
  accountId: '5b10ac8d82e05b22cc7d4ef5',
  accountType: 'atlassian',
  active: true,
  displayName: 'SomaGent Bot',
  emailAddress: email,
  self: `${fakeSite}/rest/api/3/user?accountId=5b10ac8d82e05b22cc7d4ef5`,
  timeZone: 'UTC',
});

const notFound = ['Issue does not exist or you do not have permission to see it.'];
const knownFields = new Set(['project', 'summary', 'issuetype', 'description', 'labels', 'parent']);
const isAdf = (value: unknown) =>
  isObject(value) && value.type === 'doc' && value.version === 1 && Array.isArray(value.content);

/** A stateful fake of the Jira operations the adapter uses, with its handlers for the contract server. */
export class FakeJira {
  readonly issues = new Map<string, FakeIssue>();
  private nextId = 10000;
  private readonly counters = new Map<string, number>();
  private readonly interruptions = new Map<string, ContractResponse[]>();

  constructor(
    private readonly doc: OpenApiDocument,
    readonly options: FakeJiraOptions,
  ) {}

  /** The issue by key or id. */
  find(idOrKey: unknown): FakeIssue | undefined {
    return (
      this.issues.get(String(idOrKey)) ?? [...this.issues.values()].find((issue) => issue.id === idOrKey)
    );
  }

  /** Makes the next call of an operation answer `response` instead (a 429, a 503), once. */
  answerNext(operationId: string, response: ContractResponse): void {
    this.interruptions.set(operationId, [...(this.interruptions.get(operationId) ?? []), response]);
  }

  /** Handlers by operationId, each behind the basic-auth check (401 for any other credentials). */
  handlers(): Record<string, ContractHandler> {
    const routes: Record<string, (request: ContractRequest) => ContractResponse> = {
      getCurrentUser: () => ({ status: 200, body: user(this.options.email) }),
      createIssue: (request) => this.createIssue(request),
      createIssues: (request) => this.createIssues(request),
      getIssue: (request) => this.getIssue(request),
      deleteIssue: (request) => this.deleteIssue(request),
      getTransitions: (request) => this.getTransitions(request),
      doTransition: (request) => this.doTransition(request),
      addComment: (request) => this.addComment(request),
      searchAndReconsileIssuesUsingJqlPost: (request) => this.search(request),
    };
    const expected = `Basic ${Buffer.from(`${this.options.email}:${this.options.apiToken}`).toString('base64')}`;
    return Object.fromEntries(
      Object.entries(routes).map(([operationId, route]) => [
        operationId,
        (request: ContractRequest) => {
          if (request.headers.authorization !== expected) {
            return this.error(operationId, 401, ['Client must be authenticated to access this resource.']);
          }
          return this.interruptions.get(operationId)?.shift() ?? route(request);
        },
      ]),
    );
  }

  /**
   * Jira's error answer where the spec declares one; where the spec declares the status without a
   * body (most 401s and 404s), none, though real Jira sends `{errorMessages}` there too.
   */
  private error(
    operationId: string,
    status: number,
    messages: string[],
    errors: Record<string, string> = {},
  ): ContractResponse {
    const operation = compileSpec(this.doc).routes.byOperationId.get(operationId);
    const declared = deref(this.doc, operation?.responses[String(status)]);
    const bodyless =
      isObject(declared) && !(isObject(declared.content) && Object.keys(declared.content).length > 0);
    return bodyless ? { status } : { status, body: { errorMessages: messages, errors } };
  }

  private validate(fields: unknown): { errors: Record<string, string>; issue?: NewIssue } {
    const errors: Record<string, string> = {};
    if (!isObject(fields)) return { errors: { fields: 'fields are required' } };
    const project = isObject(fields.project) ? String(fields.project.key ?? '') : '';
    const types = this.options.projects[project];
    if (!types) errors.project = 'Specify a valid project ID or key';
    if (typeof fields.summary !== 'string' || !fields.summary.trim()) {
      errors.summary = 'You must specify a summary of the issue.';
    }
    const issueType = isObject(fields.issuetype) ? String(fields.issuetype.name ?? '') : '';
    if (types && !types.includes(issueType)) errors.issuetype = 'Specify a valid issue type';
    if (fields.description !== undefined && !isAdf(fields.description)) {
      errors.description =
        'Operation value must be an Atlassian Document (see the Atlassian Document Format)';
    }
    const labels = fields.labels ?? [];
    if (!Array.isArray(labels) || labels.some((label) => typeof label !== 'string' || /\s/.test(label))) {
      errors.labels = 'The label must not contain spaces.';
    }
    const parentKey = isObject(fields.parent) ? String(fields.parent.key ?? '') : undefined;
    if (parentKey !== undefined && !this.find(parentKey))
      errors.parent = 'Could not find issue by id or key.';
    const custom: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(fields)) {
      if (knownFields.has(name)) continue;
      if (name.startsWith('customfield_')) custom[name] = value;
      else errors[name] = `Field '${name}' cannot be set. It is not on the appropriate screen, or unknown.`;
    }
    if (Object.keys(errors).length > 0) return { errors };
    return {
      errors,
      issue: {
        projectKey: project,
        summary: String(fields.summary),
        issueType,
        status: 'To Do',
        labels: labels as string[],
        ...(fields.description === undefined ? {} : { description: fields.description }),
        ...(parentKey === undefined ? {} : { parentKey }),
        custom,
      },
    };
  }

  private insert(issue: NewIssue): FakeIssue {
    const number = (this.counters.get(issue.projectKey) ?? 0) + 1;
    this.counters.set(issue.projectKey, number);
    const stored: FakeIssue = {
      ...issue,
      id: String(this.nextId++),
      key: `${issue.projectKey}-${number}`,
      created: new Date().toISOString(),
      comments: [],
    };
    this.issues.set(stored.key, stored);
    return stored;
  }

  private created(issue: FakeIssue) {
    return { id: issue.id, key: issue.key, self: `${fakeSite}/rest/api/3/issue/${issue.id}` };
  }

  private createIssue(request: ContractRequest): ContractResponse {
    const { errors, issue } = this.validate(isObject(request.body) ? request.body.fields : undefined);
    if (!issue) return this.error('createIssue', 400, [], errors);
    return { status: 201, body: this.created(this.insert(issue)) };
  }

  private createIssues(request: ContractRequest): ContractResponse {
    const body = isObject(request.body) ? request.body : {};
    const updates: unknown[] = Array.isArray(body.issueUpdates) ? body.issueUpdates : [];
    const issues: ReturnType<FakeJira['created']>[] = [];
    const errors: unknown[] = [];
    updates.forEach((update, index) => {
      const result = this.validate(isObject(update) ? update.fields : undefined);
      if (result.issue) issues.push(this.created(this.insert(result.issue)));
      else {
        errors.push({
          failedElementNumber: index,
          status: 400,
          elementErrors: { errorMessages: [], errors: result.errors },
        });
      }
    });
    return { status: issues.length > 0 ? 201 : 400, body: { issues, errors } };
  }

  private bean(issue: FakeIssue, wanted: unknown) {
    const requested = (Array.isArray(wanted) ? wanted : wanted === undefined ? ['*all'] : [wanted])
      .flatMap((field) => String(field).split(','))
      .map((field) => field.trim());
    const status = statuses[issue.status] ?? { id: '10000', category: 'new' as const };
    const all: Record<string, unknown> = {
      summary: issue.summary,
      status: {
        id: status.id,
        name: issue.status,
        self: `${fakeSite}/rest/api/3/status/${status.id}`,
        statusCategory: statusCategories[status.category],
      },
      issuetype: { name: issue.issueType },
      labels: issue.labels,
      created: issue.created,
      updated: issue.created,
      assignee: null,
      ...(issue.description === undefined ? {} : { description: issue.description }),
      ...(issue.parentKey ? { parent: { key: issue.parentKey, id: this.find(issue.parentKey)?.id } } : {}),
      ...issue.custom,
    };
    const fields = requested.includes('*all')
      ? all
      : Object.fromEntries(requested.filter((name) => name in all).map((name) => [name, all[name]]));
    return { id: issue.id, key: issue.key, self: `${fakeSite}/rest/api/3/issue/${issue.id}`, fields };
  }

  private getIssue(request: ContractRequest): ContractResponse {
    const issue = this.find(request.params.issueIdOrKey);
    if (!issue) return this.error('getIssue', 404, notFound);
    return { status: 200, body: this.bean(issue, request.query.fields) };
  }

  private deleteIssue(request: ContractRequest): ContractResponse {
    const issue = this.find(request.params.issueIdOrKey);
    if (!issue) return this.error('deleteIssue', 404, notFound);
    this.issues.delete(issue.key);
    return { status: 204 };
  }

  private available(issue: FakeIssue) {
    return workflow
      .filter((transition) => transition.to !== issue.status)
      .map((transition) => {
        const status = statuses[transition.to] ?? { id: '0', category: 'new' as const };
        return {
          id: transition.id,
          name: transition.name,
          to: {
            id: status.id,
            name: transition.to,
            self: `${fakeSite}/rest/api/3/status/${status.id}`,
            statusCategory: statusCategories[status.category],
          },
          hasScreen: false,
          isGlobal: true,
          isInitial: false,
          isAvailable: true,
          isConditional: false,
          looped: false,
        };
      });
  }

  private getTransitions(request: ContractRequest): ContractResponse {
    const issue = this.find(request.params.issueIdOrKey);
    if (!issue) return this.error('getTransitions', 404, notFound);
    return { status: 200, body: { transitions: this.available(issue) } };
  }

  private doTransition(request: ContractRequest): ContractResponse {
    const issue = this.find(request.params.issueIdOrKey);
    if (!issue) return this.error('doTransition', 404, notFound);
    const body = isObject(request.body) ? request.body : {};
    const id = isObject(body.transition) ? body.transition.id : undefined;
    const transition = this.available(issue).find((candidate) => candidate.id === id);
    if (!transition) return this.error('doTransition', 400, [`Transition id '${String(id)}' is not valid.`]);
    const comments: unknown[] =
      isObject(body.update) && Array.isArray(body.update.comment) ? body.update.comment : [];
    for (const operation of comments) {
      const added = isObject(operation) && isObject(operation.add) ? operation.add.body : undefined;
      if (!isAdf(added))
        return this.error('doTransition', 400, ['Comment body must be an Atlassian Document.']);
      issue.comments.push({ id: String(this.nextId++), body: added, created: new Date().toISOString() });
    }
    issue.status = transition.to.name;
    // The spec declares a JSON body (schema `{}`) on this 204, so the contract server wants one;
    // HTTP forbids a body on 204 and the server sends none, as Jira does.
    return { status: 204, body: {} };
  }

  private addComment(request: ContractRequest): ContractResponse {
    const issue = this.find(request.params.issueIdOrKey);
    if (!issue) return this.error('addComment', 404, notFound);
    const body = isObject(request.body) ? request.body.body : undefined;
    if (!isAdf(body)) return this.error('addComment', 400, ['Comment body must be an Atlassian Document.']);
    const comment = { id: String(this.nextId++), body, created: new Date().toISOString() };
    issue.comments.push(comment);
    const { accountId, displayName, active, self, accountType, timeZone } = user(this.options.email);
    return {
      status: 201,
      body: {
        ...comment,
        self: `${fakeSite}/rest/api/3/issue/${issue.id}/comment/${comment.id}`,
        author: { accountId, displayName, active, self, accountType, timeZone },
        updated: comment.created,
        jsdPublic: true,
      },
    };
  }

  private search(request: ContractRequest): ContractResponse {
    const body = isObject(request.body) ? request.body : {};
    const jql = String(body.jql ?? '');
    const matches = matcher(jql);
    if (!matches)
      return this.error('searchAndReconsileIssuesUsingJqlPost', 400, ['Unbounded or unsupported JQL.']);
    const found = [...this.issues.values()].filter(matches);
    if (/order\s+by\s+created\s+desc/i.test(jql)) found.reverse();
    const token = typeof body.nextPageToken === 'string' ? body.nextPageToken : undefined;
    const offset = token ? Number(Buffer.from(token, 'base64url').toString()) : 0;
    const size = Math.min(typeof body.maxResults === 'number' ? body.maxResults : 50, 5000);
    const isLast = offset + size >= found.length;
    return {
      status: 200,
      body: {
        issues: found.slice(offset, offset + size).map((issue) => this.bean(issue, body.fields ?? ['id'])),
        isLast,
        ...(isLast ? {} : { nextPageToken: Buffer.from(String(offset + size)).toString('base64url') }),
      },
    };
  }
}

const readers: Record<string, (issue: FakeIssue) => string[]> = {
  project: (issue) => [issue.projectKey],
  key: (issue) => [issue.key],
  labels: (issue) => issue.labels,
  status: (issue) => [issue.status],
  issuetype: (issue) => [issue.issueType],
  parent: (issue) => (issue.parentKey ? [issue.parentKey] : []),
  summary: (issue) => [issue.summary],
};

const unquote = (value: string) => value.trim().replace(/^"(.*)"$/s, '$1');

/**
 * The JQL the adapter and its tests use: clauses joined by AND on project, key, labels, status,
 * issuetype and parent (`=`, `in (...)`), summary (`~`), then ORDER BY. Undefined for anything else
 * and for unbounded queries, which the enhanced search refuses.
 */
function matcher(jql: string): ((issue: FakeIssue) => boolean) | undefined {
  const where = jql.replace(/(^|\s+)order\s+by\s+.*$/is, '').trim();
  if (!where) return undefined;
  const tests: ((issue: FakeIssue) => boolean)[] = [];
  for (const clause of where.split(/\s+and\s+/i)) {
    const match = /^(\w+)\s*(=|~|in\b)\s*(.+)$/is.exec(clause.trim());
    const read = match ? readers[(match[1] ?? '').toLowerCase()] : undefined;
    if (!match || !read) return undefined;
    const operator = (match[2] ?? '').toLowerCase();
    const raw = match[3] ?? '';
    if (operator === '~') {
      const wanted = unquote(raw).toLowerCase();
      tests.push((issue) => read(issue).some((value) => value.toLowerCase().includes(wanted)));
      continue;
    }
    const list = operator === 'in' ? /^\((.*)\)$/s.exec(raw.trim())?.[1] : undefined;
    if (operator === 'in' && list === undefined) return undefined;
    const values = (list === undefined ? [raw] : list.split(',')).map((value) =>
      unquote(value).toLowerCase(),
    );
    tests.push((issue) => read(issue).some((value) => values.includes(value.toLowerCase())));
  }
  return (issue) => tests.every((test) => test(issue));
}
