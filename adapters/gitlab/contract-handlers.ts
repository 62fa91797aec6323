import { randomBytes } from 'node:crypto';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';

/**
 * Test support: a small GitLab (one user, namespaces, projects with branches and commits, merge
 * requests, issues, releases, pipelines) in memory behind the contract server, which checks every
 * request and answer against gitlab-v4.openapi.json: our own description of GitLab's API, not
 * GitLab's. Errors are GitLab's `{message}` bodies and statuses (400 "has already been taken",
 * 404 "404 Project Not Found", 409 for a second open merge request of the same branches).
 */

export const GITLAB_TEST_TOKEN = 'glpat-contract-token-for-tests';

type Json = Record<string, unknown>;

export interface GitlabProjectRecord {
  body: Json & { id: number; path_with_namespace: string; default_branch: string | null };
  /** Each branch's commits, newest first (a new branch copies its start's history). */
  branches: Map<string, Json[]>;
  files: Map<string, Map<string, string>>;
  mergeRequests: Json[];
  issues: Json[];
  releases: Json[];
  pipelines: Json[];
}

export interface GitlabFake {
  handlers: Record<string, ContractHandler>;
  user: Json & { id: number; username: string };
  projects: Map<number, GitlabProjectRecord>;
  /** Every issue ever created: what a write costs, counted on the server. */
  issuesCreated: number;
  /** The most items a list answers per page (GitLab: 100), so that clients must follow `Link: rel="next"`. */
  maxPerPage: number;
  answerNext(operationId: string, response: ContractResponse): void;
  seedGroup(path: string): number;
  seedProject(path: string, namespace?: string): GitlabProjectRecord;
  seedMergeRequest(
    project: GitlabProjectRecord,
    options: {
      title: string;
      source: string;
      target?: string;
      author?: string;
      mergedAt?: string;
      state?: string;
    },
  ): Json;
  seedRelease(project: GitlabProjectRecord, tag: string, releasedAt: string): Json;
  seedPipeline(project: GitlabProjectRecord, ref: string, status: string): Json;
}

export function createGitlabFake(): GitlabFake {
  let nextId = 100;
  const id = () => (nextId += 1);
  const sha = () => randomBytes(20).toString('hex');
  const now = () => new Date().toISOString();
  const web = 'https://gitlab.example.com';
  const user = {
    id: id(),
    username: 'somagent-bot',
    name: 'SomaGent Bot',
    state: 'active',
    avatar_url: null,
    web_url: `${web}/somagent-bot`,
    created_at: '2025-01-01T00:00:00.000Z',
    bot: false,
    is_admin: false,
  };
  const userBasic = (username = user.username) => ({
    id: username === user.username ? user.id : 7,
    username,
    name: username,
    state: 'active',
    avatar_url: null,
    web_url: `${web}/${username}`,
  });
  const namespaces = new Map<string, Json & { id: number; full_path: string }>();
  const addNamespace = (path: string, kind: 'user' | 'group') => {
    const namespace = {
      id: id(),
      name: path,
      path,
      kind,
      full_path: path,
      parent_id: null,
      avatar_url: null,
      web_url: `${web}/${path}`,
    };
    namespaces.set(path, namespace);
    return namespace;
  };
  addNamespace(user.username, 'user');
  const projects = new Map<number, GitlabProjectRecord>();
  const pending = new Map<string, ContractResponse[]>();
  const fake = { issuesCreated: 0, maxPerPage: 100 } as GitlabFake;

  const message = (status: number, text: unknown): ContractResponse => ({ status, body: { message: text } });
  const bodyOf = (request: ContractRequest) => (request.body ?? {}) as Json;
  const findProject = (ref: unknown) => {
    const key = String(ref);
    return /^\d+$/.test(key)
      ? projects.get(Number(key))
      : [...projects.values()].find((p) => p.body.path_with_namespace === key);
  };
  const commit = (title: string, messageText = title, parents: string[] = []) => {
    const id = sha();
    const at = now();
    return {
      id,
      short_id: id.slice(0, 8),
      title,
      message: messageText,
      author_name: user.name,
      author_email: 'bot@example.com',
      authored_date: at,
      committer_name: user.name,
      committer_email: 'bot@example.com',
      committed_date: at,
      created_at: at,
      parent_ids: parents,
      web_url: `${web}/-/commit/${id}`,
    };
  };
  const branchBody = (project: GitlabProjectRecord, name: string) => ({
    name,
    merged: false,
    protected: name === project.body.default_branch,
    default: name === project.body.default_branch,
    developers_can_push: false,
    developers_can_merge: false,
    can_push: true,
    web_url: `${project.body.web_url as string}/-/tree/${name}`,
    commit: project.branches.get(name)?.[0],
  });
  /** One page of a list, with GitLab's Link header when there is more. */
  const paged = (request: ContractRequest, items: Json[]): ContractResponse => {
    const perPage = Math.min(
      typeof request.query.per_page === 'number' ? request.query.per_page : 20,
      fake.maxPerPage,
    );
    const page = typeof request.query.page === 'number' ? request.query.page : 1;
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const headers: Record<string, string> = { 'x-page': String(page), 'x-per-page': String(perPage) };
    if (page * perPage < items.length) {
      const next = new URL(`http://${request.headers.host ?? 'gitlab.invalid'}${request.path}`);
      for (const [name, value] of Object.entries(request.query)) next.searchParams.set(name, String(value));
      next.searchParams.set('page', String(page + 1));
      next.searchParams.set('per_page', String(perPage));
      headers.link = `<${next.toString()}>; rel="next"`;
      headers['x-next-page'] = String(page + 1);
    }
    return { status: 200, body: slice, headers };
  };
  const newer = (field: string) => (a: Json, b: Json) =>
    Date.parse(String(b[field])) - Date.parse(String(a[field]));

  const route =
    (operationId: string, handler: (request: ContractRequest) => ContractResponse): ContractHandler =>
    (request) => {
      const next = pending.get(operationId)?.shift();
      if (next) return next;
      if (request.headers['private-token'] !== GITLAB_TEST_TOKEN) return message(401, '401 Unauthorized');
      return handler(request);
    };
  /** A route under /projects/{id}: the project, or GitLab's 404. */
  const inProject = (
    operationId: string,
    handler: (project: GitlabProjectRecord, request: ContractRequest) => ContractResponse,
  ) =>
    route(operationId, (request) => {
      const project = findProject(request.params.id);
      return project ? handler(project, request) : message(404, '404 Project Not Found');
    });

  function addProject(
    name: string,
    path: string,
    namespace: Json & { id: number; full_path: string },
    options: Json = {},
  ) {
    const full = `${namespace.full_path}/${path}`;
    const initialize = options.initialize_with_readme !== false;
    const defaultBranch = initialize ? String(options.default_branch ?? 'main') : null;
    const project: GitlabProjectRecord = {
      body: {
        id: id(),
        name,
        path,
        web_url: `${web}/${full}`,
        description: typeof options.description === 'string' ? options.description : null,
        name_with_namespace: `${String(namespace.name)} / ${name}`,
        path_with_namespace: full,
        created_at: now(),
        default_branch: defaultBranch,
        topics: [],
        ssh_url_to_repo: `git@gitlab.example.com:${full}.git`,
        http_url_to_repo: `${web}/${full}.git`,
        readme_url: initialize ? `${web}/${full}/-/blob/main/README.md` : null,
        forks_count: 0,
        avatar_url: null,
        star_count: 0,
        last_activity_at: now(),
        namespace: { ...namespace },
        visibility: typeof options.visibility === 'string' ? options.visibility : 'private',
        empty_repo: !initialize,
        archived: false,
      },
      branches: new Map(),
      files: new Map(),
      mergeRequests: [],
      issues: [],
      releases: [],
      pipelines: [],
    };
    if (defaultBranch) {
      project.branches.set(defaultBranch, [commit('Initial commit')]);
      project.files.set(defaultBranch, new Map([['README.md', `# ${name}\n`]]));
    }
    projects.set(project.body.id, project);
    return project;
  }

  function addMergeRequest(project: GitlabProjectRecord, fields: Json) {
    const iid = project.mergeRequests.length + 1;
    const at = now();
    const mr = {
      id: id(),
      iid,
      project_id: project.body.id,
      title: '',
      description: null,
      state: 'opened',
      created_at: at,
      updated_at: at,
      merged_at: null,
      closed_at: null,
      merged_by: null,
      target_branch: project.body.default_branch ?? 'main',
      source_branch: '',
      source_project_id: project.body.id,
      target_project_id: project.body.id,
      author: userBasic(),
      labels: [],
      draft: false,
      sha: project.branches.get(String(fields.source_branch))?.[0]?.id ?? sha(),
      merge_commit_sha: null,
      squash_commit_sha: null,
      detailed_merge_status: 'mergeable',
      should_remove_source_branch: null,
      force_remove_source_branch: false,
      references: {
        short: `!${iid}`,
        relative: `!${iid}`,
        full: `${project.body.path_with_namespace}!${iid}`,
      },
      web_url: `${project.body.web_url as string}/-/merge_requests/${iid}`,
      ...fields,
    };
    project.mergeRequests.push(mr);
    return mr;
  }

  function addRelease(project: GitlabProjectRecord, fields: Json & { tag_name: string }, head: Json) {
    const release = {
      name: fields.tag_name,
      description: null,
      created_at: now(),
      released_at: now(),
      upcoming_release: false,
      author: userBasic(),
      commit: head,
      commit_path: `/${project.body.path_with_namespace}/-/commit/${String(head.id)}`,
      tag_path: `/${project.body.path_with_namespace}/-/tags/${fields.tag_name}`,
      assets: { count: 0, sources: [], links: [] },
      _links: { self: `${project.body.web_url as string}/-/releases/${fields.tag_name}` },
      ...fields,
    };
    project.releases.push(release);
    return release;
  }

  fake.handlers = {
    getCurrentUser: route('getCurrentUser', () => ({ status: 200, body: user })),
    getNamespace: route('getNamespace', (request) => {
      const key = String(request.params.id);
      const found = [...namespaces.values()].find((n) => String(n.id) === key || n.full_path === key);
      return found ? { status: 200, body: found } : message(404, '404 Namespace Not Found');
    }),
    createProject: route('createProject', (request) => {
      const body = bodyOf(request);
      const name = String(body.name ?? body.path);
      const path = String(body.path ?? name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-'));
      const namespace =
        body.namespace_id === undefined
          ? namespaces.get(user.username)
          : [...namespaces.values()].find((n) => n.id === body.namespace_id);
      if (!namespace) return message(404, '404 Namespace Not Found');
      if (findProject(`${namespace.full_path}/${path}`)) {
        return message(400, { name: ['has already been taken'], path: ['has already been taken'] });
      }
      return { status: 201, body: addProject(name, path, namespace, body).body };
    }),
    getProject: inProject('getProject', (project) => ({ status: 200, body: project.body })),
    deleteProject: inProject('deleteProject', (project) => {
      projects.delete(project.body.id);
      return { status: 202, body: { message: '202 Accepted' } };
    }),
    createCommit: inProject('createCommit', (project, request) => {
      const body = bodyOf(request) as {
        branch: string;
        commit_message: string;
        start_branch?: string;
        actions: Json[];
      };
      const start = body.start_branch ?? body.branch;
      const history =
        project.branches.get(body.branch) ?? (body.start_branch ? project.branches.get(start) : undefined);
      if (!history) return message(400, 'You can only create or edit files when you are on a branch');
      const files = new Map(project.files.get(project.branches.has(body.branch) ? body.branch : start));
      let additions = 0;
      let deletions = 0;
      for (const action of body.actions) {
        const path = String(action.file_path);
        const content =
          action.encoding === 'base64'
            ? Buffer.from(String(action.content), 'base64').toString()
            : String(action.content ?? '');
        if (action.action === 'create' && files.has(path))
          return message(400, 'A file with this name already exists');
        if ((action.action === 'update' || action.action === 'delete') && !files.has(path)) {
          return message(400, "A file with this name doesn't exist");
        }
        if (action.action === 'move') {
          const previous = String(action.previous_path);
          if (!files.has(previous)) return message(400, "A file with this name doesn't exist");
          files.set(path, action.content === undefined ? (files.get(previous) ?? '') : content);
          files.delete(previous);
        } else if (action.action === 'delete') {
          deletions += (files.get(path) ?? '').split('\n').length;
          files.delete(path);
        } else {
          additions += content.split('\n').length;
          files.set(path, content);
        }
      }
      const title = body.commit_message.split('\n')[0] ?? '';
      const made = {
        ...commit(title, body.commit_message, [String(history[0]?.id)]),
        stats: { additions, deletions, total: additions + deletions },
        status: null,
      };
      project.branches.set(body.branch, [made, ...history]);
      project.files.set(body.branch, files);
      return { status: 201, body: made };
    }),
    listCommits: inProject('listCommits', (project, request) => {
      const ref =
        typeof request.query.ref_name === 'string'
          ? request.query.ref_name
          : (project.body.default_branch ?? '');
      const history = project.branches.get(ref);
      return history ? paged(request, history) : message(404, '404 Tree Not Found');
    }),
    createBranch: inProject('createBranch', (project, request) => {
      const { branch, ref } = bodyOf(request) as { branch: string; ref: string };
      if (project.branches.has(branch)) return message(400, 'Branch already exists');
      const start =
        project.branches.get(ref) ??
        [...project.branches.values()].find((history) => history.some((c) => c.id === ref));
      if (!start) return message(400, `Invalid reference name: ${ref}`);
      project.branches.set(branch, [...start]);
      project.files.set(
        branch,
        new Map(project.files.get(ref) ?? project.files.get(project.body.default_branch ?? '')),
      );
      return { status: 201, body: branchBody(project, branch) };
    }),
    getBranch: inProject('getBranch', (project, request) => {
      const name = String(request.params.branch);
      return project.branches.has(name)
        ? { status: 200, body: branchBody(project, name) }
        : message(404, '404 Branch Not Found');
    }),
    createMergeRequest: inProject('createMergeRequest', (project, request) => {
      const body = bodyOf(request);
      if (!project.branches.has(String(body.source_branch)))
        return message(400, { source_branch: ['is invalid'] });
      const open = project.mergeRequests.find(
        (mr) =>
          mr.state === 'opened' &&
          mr.source_branch === body.source_branch &&
          mr.target_branch === body.target_branch,
      );
      if (open)
        return message(409, [
          `Another open merge request already exists for this source branch: !${String(open.iid)}`,
        ]);
      const mr = addMergeRequest(project, {
        title: body.title,
        description: typeof body.description === 'string' ? body.description : null,
        source_branch: body.source_branch,
        target_branch: body.target_branch,
        labels: typeof body.labels === 'string' ? body.labels.split(',').filter(Boolean) : [],
        force_remove_source_branch: body.remove_source_branch === true,
      });
      return { status: 201, body: mr };
    }),
    listMergeRequests: inProject('listMergeRequests', (project, request) => {
      const q = request.query;
      const orderBy = typeof q.order_by === 'string' ? q.order_by : 'created_at';
      const found = project.mergeRequests
        .filter(
          (mr) =>
            (q.state === undefined || q.state === 'all' || mr.state === q.state) &&
            (q.source_branch === undefined || mr.source_branch === q.source_branch) &&
            (q.target_branch === undefined || mr.target_branch === q.target_branch) &&
            (q.updated_after === undefined ||
              Date.parse(String(mr.updated_at)) >= Date.parse(String(q.updated_after))),
        )
        .sort(newer(orderBy));
      if (q.sort === 'asc') found.reverse();
      return paged(request, found);
    }),
    createIssue: inProject('createIssue', (project, request) => {
      const body = bodyOf(request);
      const iid = project.issues.length + 1;
      const at = now();
      const issue = {
        id: id(),
        iid,
        project_id: project.body.id,
        title: body.title,
        description: typeof body.description === 'string' ? body.description : null,
        state: 'opened',
        created_at: at,
        updated_at: at,
        closed_at: null,
        labels: typeof body.labels === 'string' ? body.labels.split(',').filter(Boolean) : [],
        author: userBasic(),
        assignees: Array.isArray(body.assignee_ids) ? body.assignee_ids.map(() => userBasic('alice')) : [],
        type: 'ISSUE',
        confidential: body.confidential === true,
        web_url: `${project.body.web_url as string}/-/issues/${iid}`,
        references: {
          short: `#${iid}`,
          relative: `#${iid}`,
          full: `${project.body.path_with_namespace}#${iid}`,
        },
      };
      project.issues.push(issue);
      fake.issuesCreated += 1;
      return { status: 201, body: issue };
    }),
    listIssues: inProject('listIssues', (project, request) => {
      const search =
        typeof request.query.search === 'string' ? request.query.search.toLowerCase() : undefined;
      const fields = String(request.query.in ?? 'title,description').split(',');
      const found = project.issues.filter(
        (issue) =>
          search === undefined ||
          fields.some((field) =>
            String(issue[field] ?? '')
              .toLowerCase()
              .includes(search),
          ),
      );
      return paged(request, [...found].sort(newer('created_at')));
    }),
    createRelease: inProject('createRelease', (project, request) => {
      const body = bodyOf(request) as { tag_name: string; name?: string; description?: string; ref?: string };
      if (project.releases.some((release) => release.tag_name === body.tag_name))
        return message(409, 'Release already exists');
      const head = body.ref
        ? (project.branches.get(body.ref)?.[0] ??
          [...project.branches.values()].flat().find((c) => c.id === body.ref))
        : undefined;
      if (!head) return message(400, body.ref ? `Ref ${body.ref} is invalid` : 'Ref is not specified');
      const release = addRelease(
        project,
        { tag_name: body.tag_name, name: body.name ?? body.tag_name, description: body.description ?? null },
        head,
      );
      return { status: 201, body: release };
    }),
    listReleases: inProject('listReleases', (project, request) => {
      const orderBy = request.query.order_by === 'created_at' ? 'created_at' : 'released_at';
      const found = [...project.releases].sort(newer(orderBy));
      if (request.query.sort === 'asc') found.reverse();
      return paged(request, found);
    }),
    getRelease: inProject('getRelease', (project, request) => {
      const release = project.releases.find((r) => r.tag_name === String(request.params.tag_name));
      return release ? { status: 200, body: release } : message(404, '404 Not Found');
    }),
    getLatestPipeline: inProject('getLatestPipeline', (project, request) => {
      const ref = typeof request.query.ref === 'string' ? request.query.ref : project.body.default_branch;
      // The latest is the one GitLab made last: the highest id.
      const latest = project.pipelines
        .filter((p) => p.ref === ref)
        .sort((a, b) => Number(b.id) - Number(a.id))[0];
      return latest ? { status: 200, body: latest } : message(404, '404 Not found');
    }),
  };

  return Object.assign(fake, {
    user,
    projects,
    answerNext(operationId: string, response: ContractResponse) {
      pending.set(operationId, [...(pending.get(operationId) ?? []), response]);
    },
    seedGroup(path: string) {
      return addNamespace(path, 'group').id;
    },
    seedProject(path: string, namespace = user.username) {
      const owner = namespaces.get(namespace) ?? addNamespace(namespace, 'group');
      return addProject(path, path, owner);
    },
    seedMergeRequest(
      project: GitlabProjectRecord,
      options: {
        title: string;
        source: string;
        target?: string;
        author?: string;
        mergedAt?: string;
        state?: string;
      },
    ) {
      return addMergeRequest(project, {
        title: options.title,
        source_branch: options.source,
        target_branch: options.target ?? project.body.default_branch ?? 'main',
        author: userBasic(options.author),
        state: options.state ?? (options.mergedAt ? 'merged' : 'opened'),
        ...(options.mergedAt
          ? { merged_at: options.mergedAt, updated_at: options.mergedAt, merged_by: userBasic() }
          : {}),
      });
    },
    seedRelease(project: GitlabProjectRecord, tag: string, releasedAt: string) {
      const head = project.branches.get(project.body.default_branch ?? 'main')?.[0] ?? commit('tag');
      return addRelease(
        project,
        { tag_name: tag, description: `Release ${tag}`, created_at: releasedAt, released_at: releasedAt },
        head,
      );
    },
    seedPipeline(project: GitlabProjectRecord, ref: string, status: string) {
      const at = now();
      const pipeline = {
        id: id(),
        iid: project.pipelines.length + 1,
        project_id: project.body.id,
        sha: project.branches.get(ref)?.[0]?.id ?? sha(),
        ref,
        status,
        source: 'push',
        created_at: at,
        updated_at: at,
        web_url: `${project.body.web_url as string}/-/pipelines/${project.pipelines.length + 1}`,
        before_sha: '0000000000000000000000000000000000000000',
        tag: false,
        user: userBasic(),
        started_at: at,
        finished_at: status === 'success' || status === 'failed' ? at : null,
        duration: status === 'success' || status === 'failed' ? 42 : null,
        queued_duration: 1,
        coverage: null,
      };
      project.pipelines.push(pipeline);
      return pipeline;
    },
  });
}
