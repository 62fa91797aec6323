import { FakeError, timestamp, type FakeIssue } from './contract-fake.js';
import {
  bodyOf,
  json,
  numberParam,
  paginated,
  param,
  text,
  type Handler,
  type HandlerKit,
} from './contract-http.js';

/** Issues, comments, labels and pull requests, which share one number sequence per repository as on GitHub. */
export function issueHandlers({ fake, views, repoOf, issueOf }: HandlerKit): Record<string, Handler> {
  return {
    'issues/create': (request, login) => {
      const repo = repoOf(request);
      const body = bodyOf(request) as {
        title: string;
        body?: string;
        labels?: (string | { name: string })[];
        assignees?: string[];
      };
      const issue = fake.openIssue(repo, login, {
        title: String(body.title),
        body: body.body ?? null,
        labels: (body.labels ?? []).map((label) => (typeof label === 'string' ? label : label.name)),
        assignees: body.assignees ?? [],
      });
      return json(201, views.issue(repo, issue));
    },
    'issues/update': (request) => {
      const repo = repoOf(request);
      const issue = issueOf(repo, numberParam(request, 'issue_number'));
      const body = bodyOf(request) as {
        state?: 'open' | 'closed';
        state_reason?: FakeIssue['stateReason'];
        title?: string;
        body?: string;
      };
      if (body.state === 'closed' && issue.state !== 'closed')
        fake.closeIssue(issue, body.state_reason ?? 'completed');
      if (body.title !== undefined) issue.title = body.title;
      if (body.body !== undefined) issue.body = body.body;
      return json(200, views.issue(repo, issue));
    },
    'issues/list-for-repo': (request) => {
      const repo = repoOf(request);
      const state = text(request.query.state) ?? 'open';
      const labels = (text(request.query.labels) ?? '')
        .split(',')
        .filter(Boolean)
        .map((name) => name.toLowerCase());
      const creator = text(request.query.creator);
      const ascending = request.query.direction === 'asc';
      const issues = [...repo.issues.values()]
        .filter((issue) => state === 'all' || issue.state === state)
        .filter((issue) => !creator || issue.author === creator)
        .filter((issue) => labels.every((label) => issue.labels.some((name) => name.toLowerCase() === label)))
        .sort((a, b) => (ascending ? a.number - b.number : b.number - a.number))
        .map((issue) => views.issue(repo, issue));
      return paginated(request, issues);
    },
    'issues/add-labels': (request) => {
      const repo = repoOf(request);
      const issue = issueOf(repo, numberParam(request, 'issue_number'));
      const { labels } = bodyOf(request) as { labels: (string | { name: string })[] };
      for (const label of labels) {
        const name = fake.ensureLabel(repo, typeof label === 'string' ? label : label.name).name;
        if (!issue.labels.some((existing) => existing.toLowerCase() === name.toLowerCase()))
          issue.labels.push(name);
      }
      return json(
        200,
        issue.labels.map((name) => views.label(repo, fake.ensureLabel(repo, name))),
      );
    },
    'issues/create-comment': (request, login) => {
      const repo = repoOf(request);
      const issue = issueOf(repo, numberParam(request, 'issue_number'));
      const comment = {
        id: fake.id(),
        issueNumber: issue.number,
        body: String(bodyOf(request).body),
        author: login,
        createdAt: timestamp(),
      };
      repo.comments.push(comment);
      return json(201, views.comment(repo, comment));
    },
    'issues/list-comments': (request) => {
      const repo = repoOf(request);
      const issue = issueOf(repo, numberParam(request, 'issue_number'));
      return paginated(
        request,
        repo.comments
          .filter((comment) => comment.issueNumber === issue.number)
          .map((comment) => views.comment(repo, comment)),
      );
    },

    'issues/create-label': (request) => {
      const repo = repoOf(request);
      const body = bodyOf(request) as { name: string; color?: string; description?: string };
      if (repo.labels.has(body.name.toLowerCase())) {
        throw new FakeError(422, 'Validation Failed', [
          { resource: 'Label', code: 'already_exists', field: 'name' },
        ]);
      }
      if (body.color !== undefined && !/^[0-9a-f]{6}$/i.test(body.color)) {
        throw new FakeError(422, 'Validation Failed', [
          { resource: 'Label', code: 'invalid', field: 'color' },
        ]);
      }
      const label = {
        id: fake.id(),
        name: body.name,
        color: body.color ?? 'ededed',
        description: body.description ?? null,
      };
      repo.labels.set(body.name.toLowerCase(), label);
      return json(201, views.label(repo, label));
    },
    'issues/get-label': (request) => {
      const repo = repoOf(request);
      const label = repo.labels.get(param(request, 'name').toLowerCase());
      if (!label) throw new FakeError(404, 'Not Found');
      return json(200, views.label(repo, label));
    },
    'issues/update-label': (request) => {
      const repo = repoOf(request);
      const label = repo.labels.get(param(request, 'name').toLowerCase());
      if (!label) throw new FakeError(404, 'Not Found');
      const body = bodyOf(request) as { new_name?: string; color?: string; description?: string };
      if (body.new_name !== undefined) {
        repo.labels.delete(label.name.toLowerCase());
        for (const issue of repo.issues.values())
          issue.labels = issue.labels.map((name) => (name === label.name ? String(body.new_name) : name));
        label.name = body.new_name;
        repo.labels.set(label.name.toLowerCase(), label);
      }
      if (body.color !== undefined) label.color = body.color;
      if (body.description !== undefined) label.description = body.description;
      return json(200, views.label(repo, label));
    },
    'issues/delete-label': (request) => {
      const repo = repoOf(request);
      const name = param(request, 'name').toLowerCase();
      if (!repo.labels.delete(name)) throw new FakeError(404, 'Not Found');
      for (const issue of repo.issues.values())
        issue.labels = issue.labels.filter((label) => label.toLowerCase() !== name);
      return json(204, undefined);
    },
    'issues/list-labels-for-repo': (request) => {
      const repo = repoOf(request);
      return paginated(
        request,
        [...repo.labels.values()].map((label) => views.label(repo, label)),
      );
    },

    'pulls/create': (request, login) => {
      const repo = repoOf(request);
      const body = bodyOf(request) as {
        title: string;
        head: string;
        base: string;
        body?: string;
        draft?: boolean;
      };
      const head = body.head.includes(':') ? body.head.slice(body.head.indexOf(':') + 1) : body.head;
      if (!repo.refs.has(`refs/heads/${head}`)) {
        throw new FakeError(422, 'Validation Failed', [
          { resource: 'PullRequest', field: 'head', code: 'invalid' },
        ]);
      }
      if (!repo.refs.has(`refs/heads/${body.base}`)) {
        throw new FakeError(422, 'Validation Failed', [
          { resource: 'PullRequest', field: 'base', code: 'invalid' },
        ]);
      }
      const open = [...repo.issues.values()].some(
        (issue) => issue.state === 'open' && issue.pull?.head === head && issue.pull.base === body.base,
      );
      if (open) {
        throw new FakeError(422, 'Validation Failed', [
          {
            resource: 'PullRequest',
            code: 'custom',
            message: `A pull request already exists for ${repo.owner}:${head}.`,
          },
        ]);
      }
      const issue = fake.openIssue(repo, login, {
        title: body.title,
        body: body.body ?? null,
        pull: { head, base: body.base, draft: body.draft === true },
      });
      return json(201, views.pull(repo, issue));
    },
    'pulls/list': (request) => {
      const repo = repoOf(request);
      const state = text(request.query.state) ?? 'open';
      const head = text(request.query.head);
      const base = text(request.query.base);
      const pulls = [...repo.issues.values()]
        .filter((issue) => issue.pull && (state === 'all' || issue.state === state))
        .filter((issue) => !head || `${repo.owner}:${issue.pull?.head}` === head)
        .filter((issue) => !base || issue.pull?.base === base)
        .sort((a, b) => b.number - a.number)
        .map((issue) => views.pull(repo, issue));
      return paginated(request, pulls);
    },
    'pulls/update': (request) => {
      const repo = repoOf(request);
      const issue = issueOf(repo, numberParam(request, 'pull_number'));
      if (!issue.pull) throw new FakeError(404, 'Not Found');
      const body = bodyOf(request) as { state?: 'open' | 'closed'; title?: string };
      if (body.state === 'closed' && issue.state !== 'closed') fake.closeIssue(issue, null);
      if (body.title !== undefined) issue.title = body.title;
      return json(200, views.pull(repo, issue));
    },
  };
}
