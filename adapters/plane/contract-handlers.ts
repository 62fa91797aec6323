import { randomUUID } from 'node:crypto';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';
import { isObject } from '../../test/contract/openapi-types.js';

/*
 * Test support: a small stateful Plane workspace (projects, states, labels, cycles, work items)
 * behind the contract server, which checks each answer here against Plane's published schema
 * (list endpoints as plane-spec-fixes.ts describes them) before it is sent.
 */

type Row = Record<string, unknown> & { id: string };

const userId = '0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d';
const workspaceId = '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const notFound: ContractResponse = { status: 404, body: { error: 'The requested resource does not exist.' } };
const bad = (errors: Record<string, unknown>): ContractResponse => ({ status: 400, body: errors });

/** The default states Plane gives every new project. */
const defaultStates = [
  { name: 'Backlog', group: 'backlog', color: '#A3A3A3' },
  { name: 'Todo', group: 'unstarted', color: '#3A3A3A', default: true },
  { name: 'In Progress', group: 'started', color: '#F59E0B' },
  { name: 'Done', group: 'completed', color: '#16A34A' },
  { name: 'Cancelled', group: 'cancelled', color: '#EF4444' },
];

/** Who the fake accepts. */
export interface FakePlaneOptions {
  apiKey: string;
  workspaceSlug: string;
}

/** A stateful fake of the Plane API v1 operations the adapter uses, with handlers for the contract server. */
export class FakePlane {
  readonly projects = new Map<string, Row>();
  readonly states = new Map<string, Row>();
  readonly labels = new Map<string, Row>();
  readonly cycles = new Map<string, Row>();
  readonly workItems = new Map<string, Row>();
  private sequence = 0;
  private readonly interruptions = new Map<string, ContractResponse[]>();

  constructor(readonly options: FakePlaneOptions) {}

  /** Makes the next call of an operation answer `response` instead, once. */
  answerNext(operationId: string, response: ContractResponse): void {
    this.interruptions.set(operationId, [...(this.interruptions.get(operationId) ?? []), response]);
  }

  /** What every row carries. */
  private audit(projectId?: string) {
    const now = new Date().toISOString();
    return {
      id: randomUUID(),
      workspace: workspaceId,
      ...(projectId ? { project: projectId } : {}),
      created_at: now,
      updated_at: now,
      created_by: userId,
      updated_by: userId,
      deleted_at: null,
    };
  }

  /** A project with Plane's default states, as creating one through the API makes it. */
  addProject(name: string, identifier: string, extra: Record<string, unknown> = {}): Row {
    const project: Row = {
      ...this.audit(),
      name,
      identifier,
      description: '',
      network: 2,
      cover_image_url: '',
      emoji: null,
      logo_props: {},
      is_deployed: false,
      is_member: true,
      member_role: 20,
      sort_order: 65535,
      total_cycles: 0,
      total_members: 1,
      total_modules: 0,
      archive_in: 0,
      close_in: 0,
      timezone: 'UTC',
      ...extra,
    };
    this.projects.set(project.id, project);
    defaultStates.forEach((state, index) =>
      this.addRow(this.states, project.id, {
        description: '',
        sequence: 15000 * (index + 1),
        default: false,
        is_triage: false,
        external_id: null,
        external_source: null,
        ...state,
      }),
    );
    return project;
  }

  private addRow(table: Map<string, Row>, projectId: string, fields: Record<string, unknown>): Row {
    const row: Row = { ...this.audit(projectId), ...fields };
    table.set(row.id, row);
    return row;
  }

  /** Rows of a table in one project, in creation order. */
  inProject(table: Map<string, Row>, projectId: string): Row[] {
    return [...table.values()].filter((row) => row.project === projectId);
  }

  /** Handlers by operationId, each behind the X-API-Key check and the workspace and project lookups. */
  handlers(): Record<string, ContractHandler> {
    const routes: Record<string, (request: ContractRequest) => ContractResponse> = {
      workspaces_projects_retrieve: (request) => this.page(request, [...this.projects.values()]),
      workspaces_projects_create: (request) => this.createProject(request),
      workspaces_projects_destroy_2: (request) => this.deleteProject(request),
      workspaces_projects_states_retrieve: (request) =>
        this.page(request, this.inProject(this.states, this.projectOf(request))),
      workspaces_projects_states_create: (request) => this.createState(request),
      workspaces_projects_states_retrieve_2: (request) =>
        this.one(this.states, request, request.params.state_id),
      workspaces_projects_states_destroy_2: (request) => this.deleteState(request),
      workspaces_projects_labels_retrieve: (request) =>
        this.page(request, this.inProject(this.labels, this.projectOf(request))),
      workspaces_projects_labels_create: (request) => this.createLabel(request),
      workspaces_projects_labels_retrieve_2: (request) => this.one(this.labels, request, request.params.id),
      workspaces_projects_labels_destroy_2: (request) => this.remove(this.labels, request, request.params.id),
      workspaces_projects_cycles_retrieve: (request) =>
        this.page(request, this.inProject(this.cycles, this.projectOf(request))),
      workspaces_projects_cycles_create: (request) => this.createCycle(request),
      workspaces_projects_cycles_retrieve_2: (request) => this.one(this.cycles, request, request.params.id),
      workspaces_projects_cycles_destroy_2: (request) => this.remove(this.cycles, request, request.params.id),
      workspaces_projects_issues_retrieve: (request) => this.listWorkItems(request),
      workspaces_projects_issues_create: (request) => this.createWorkItem(request),
      workspaces_projects_issues_retrieve_2: (request) =>
        this.one(this.workItems, request, request.params.id),
      workspaces_projects_issues_destroy_2: (request) => this.deleteWorkItem(request),
    };
    return Object.fromEntries(
      Object.entries(routes).map(([operationId, route]) => [
        operationId,
        (request: ContractRequest): ContractResponse => {
          const key = request.headers['x-api-key'];
          if (key === undefined)
            return { status: 401, body: { detail: 'Authentication credentials were not provided.' } };
          if (key !== this.options.apiKey)
            return { status: 401, body: { detail: 'Given API token is not valid' } };
          if (request.params.slug !== this.options.workspaceSlug) return notFound;
          const projectId = request.params.project_id;
          if (projectId !== undefined && !this.projects.has(String(projectId))) return notFound;
          return this.interruptions.get(operationId)?.shift() ?? route(request);
        },
      ]),
    );
  }

  private projectOf(request: ContractRequest): string {
    return String(request.params.project_id);
  }

  /** Plane's cursor paginator: cursor `per_page:page:is_prev`, and a next cursor even past the end. */
  private page(request: ContractRequest, rows: Row[]): ContractResponse {
    const perPage = Math.min(typeof request.query.per_page === 'number' ? request.query.per_page : 100, 100);
    const cursor = typeof request.query.cursor === 'string' ? request.query.cursor : `${perPage}:0:0`;
    const pageNumber = Number(cursor.split(':')[1] ?? 0);
    const results = rows.slice(pageNumber * perPage, (pageNumber + 1) * perPage);
    return {
      status: 200,
      body: {
        grouped_by: null,
        sub_grouped_by: null,
        total_count: rows.length,
        next_cursor: `${perPage}:${pageNumber + 1}:0`,
        prev_cursor: `${perPage}:${Math.max(pageNumber - 1, 0)}:1`,
        next_page_results: (pageNumber + 1) * perPage < rows.length,
        prev_page_results: pageNumber > 0,
        count: results.length,
        total_pages: Math.max(1, Math.ceil(rows.length / perPage)),
        total_results: rows.length,
        extra_stats: null,
        results,
      },
    };
  }

  private one(table: Map<string, Row>, request: ContractRequest, id: unknown): ContractResponse {
    const row = table.get(String(id));
    return row && row.project === request.params.project_id ? { status: 200, body: row } : notFound;
  }

  private remove(table: Map<string, Row>, request: ContractRequest, id: unknown): ContractResponse {
    const row = table.get(String(id));
    if (!row || row.project !== request.params.project_id) return notFound;
    table.delete(row.id);
    return { status: 204 };
  }

  private deleteState(request: ContractRequest): ContractResponse {
    const state = this.states.get(String(request.params.state_id));
    if (!state || state.project !== request.params.project_id) return notFound;
    if (state.default === true) return bad({ error: 'Default state cannot be deleted' });
    if ([...this.workItems.values()].some((item) => item.state === state.id)) {
      return bad({ error: 'The state is not empty, only empty states can be deleted' });
    }
    return this.remove(this.states, request, state.id);
  }

  /** Plane's 409 for an external pair used before in the project: the earlier row's id. */
  private duplicateExternal(
    table: Map<string, Row>,
    projectId: string,
    body: Record<string, unknown>,
    what: string,
  ) {
    if (!body.external_id || !body.external_source) return undefined;
    const existing = this.inProject(table, projectId).find(
      (row) => row.external_id === body.external_id && row.external_source === body.external_source,
    );
    return existing
      ? {
          status: 409,
          body: {
            error: `${what} with the same external id and external source already exists`,
            id: existing.id,
          },
        }
      : undefined;
  }

  private createProject(request: ContractRequest): ContractResponse {
    const body = isObject(request.body) ? request.body : {};
    const identifier = String(body.identifier ?? '').toUpperCase();
    if ([...this.projects.values()].some((project) => project.identifier === identifier)) {
      return { status: 409, body: { identifier: 'Project Identifier is taken' } };
    }
    const project = this.addProject(String(body.name), identifier, {
      ...(typeof body.description === 'string' ? { description: body.description } : {}),
      ...(typeof body.network === 'number' ? { network: body.network } : {}),
    });
    return { status: 201, body: project };
  }

  private deleteProject(request: ContractRequest): ContractResponse {
    const id = String(request.params.id);
    if (!this.projects.delete(id)) return notFound;
    for (const table of [this.states, this.labels, this.cycles, this.workItems]) {
      for (const row of this.inProject(table, id)) table.delete(row.id);
    }
    return { status: 204 };
  }

  private createState(request: ContractRequest): ContractResponse {
    const projectId = this.projectOf(request);
    const body = isObject(request.body) ? request.body : {};
    const duplicate = this.duplicateExternal(this.states, projectId, body, 'State');
    if (duplicate) return duplicate;
    const sameName = this.inProject(this.states, projectId).find((state) => state.name === body.name);
    if (sameName)
      return {
        status: 409,
        body: { error: 'State with the same name already exists in the project', id: sameName.id },
      };
    const state = this.addRow(this.states, projectId, {
      name: body.name,
      color: body.color,
      group: body.group ?? 'backlog',
      description: body.description ?? '',
      sequence: 65535,
      default: false,
      is_triage: false,
      external_id: body.external_id ?? null,
      external_source: body.external_source ?? null,
    });
    return { status: 200, body: state };
  }

  private createLabel(request: ContractRequest): ContractResponse {
    const projectId = this.projectOf(request);
    const body = isObject(request.body) ? request.body : {};
    const duplicate = this.duplicateExternal(this.labels, projectId, body, 'Label');
    if (duplicate) return duplicate;
    const sameName = this.inProject(this.labels, projectId).find((label) => label.name === body.name);
    if (sameName)
      return {
        status: 409,
        body: { error: 'Label with the same name already exists in the project', id: sameName.id },
      };
    if (body.parent !== undefined && body.parent !== null && !this.labels.has(String(body.parent))) {
      return bad({ parent: [`Invalid pk "${String(body.parent)}" - object does not exist.`] });
    }
    const label = this.addRow(this.labels, projectId, {
      name: body.name,
      color: body.color ?? '',
      description: body.description ?? '',
      parent: body.parent ?? null,
      sort_order: 65535,
      external_id: body.external_id ?? null,
      external_source: body.external_source ?? null,
    });
    return { status: 201, body: label };
  }

  private createCycle(request: ContractRequest): ContractResponse {
    const projectId = this.projectOf(request);
    const body = isObject(request.body) ? request.body : {};
    if ((body.start_date == null) !== (body.end_date == null)) {
      return bad({ error: 'Both start date and end date are either required or are to be null' });
    }
    const duplicate = this.duplicateExternal(this.cycles, projectId, body, 'Cycle');
    if (duplicate) return duplicate;
    const cycle = this.addRow(this.cycles, projectId, {
      name: body.name,
      description: body.description ?? '',
      start_date: body.start_date ?? null,
      end_date: body.end_date ?? null,
      owned_by: userId,
      sort_order: 65535,
      timezone: 'UTC',
      version: 1,
      archived_at: null,
      view_props: {},
      logo_props: {},
      progress_snapshot: {},
      total_issues: 0,
      cancelled_issues: 0,
      completed_issues: 0,
      started_issues: 0,
      unstarted_issues: 0,
      backlog_issues: 0,
      total_estimates: 0,
      completed_estimates: 0,
      started_estimates: 0,
      external_id: body.external_id ?? null,
      external_source: body.external_source ?? null,
    });
    return { status: 201, body: cycle };
  }

  private listWorkItems(request: ContractRequest): ContractResponse {
    const projectId = this.projectOf(request);
    const { external_id: externalId, external_source: externalSource } = request.query;
    if (externalId && externalSource) {
      const found = this.inProject(this.workItems, projectId).find(
        (item) => item.external_id === externalId && item.external_source === externalSource,
      );
      return found ? { status: 200, body: found } : notFound;
    }
    // Newest first: Plane orders work items by -created_at unless asked otherwise.
    return this.page(request, this.inProject(this.workItems, projectId).reverse());
  }

  private createWorkItem(request: ContractRequest): ContractResponse {
    const projectId = this.projectOf(request);
    const body = isObject(request.body) ? request.body : {};
    const errors: Record<string, string[]> = {};
    const states = this.inProject(this.states, projectId);
    if (body.state != null && !states.some((state) => state.id === body.state)) {
      errors.state = ['State is not valid please pass a valid state_id'];
    }
    const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
    const known = new Set(this.inProject(this.labels, projectId).map((label) => label.id));
    if (labels.some((label) => !known.has(label)))
      errors.labels = ['Labels are not valid please pass valid label_ids'];
    if (body.parent != null && !this.workItems.has(String(body.parent)))
      errors.parent = ['Parent is not valid issue_id please pass a valid issue_id'];
    if (Object.keys(errors).length > 0) return bad(errors);
    const duplicate = this.duplicateExternal(this.workItems, projectId, body, 'Issue');
    if (duplicate) return duplicate;
    const item = this.addRow(this.workItems, projectId, {
      name: body.name,
      description_html: body.description_html ?? '<p></p>',
      description_binary: null,
      priority: body.priority ?? 'none',
      state: body.state ?? states.find((state) => state.default === true)?.id ?? null,
      labels,
      assignees: Array.isArray(body.assignees) ? body.assignees : [],
      sequence_id: ++this.sequence,
      sort_order: 65535,
      start_date: body.start_date ?? null,
      target_date: body.target_date ?? null,
      parent: body.parent ?? null,
      completed_at: null,
      archived_at: null,
      is_draft: false,
      point: null,
      estimate_point: null,
      type: null,
      external_id: body.external_id ?? null,
      external_source: body.external_source ?? null,
    });
    return { status: 201, body: item };
  }

  private deleteWorkItem(request: ContractRequest): ContractResponse {
    const item = this.workItems.get(String(request.params.id));
    if (!item || item.project !== request.params.project_id) return notFound;
    this.workItems.delete(item.id);
    return { status: 204 };
  }
}
