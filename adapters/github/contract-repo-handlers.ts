import type { ContractRequest } from '../../test/contract/contract-server.js';
import { FakeError, timestamp } from './contract-fake.js';
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

/** The token's user, the rate limit, repositories (for the user and in organizations) and their webhooks. */
export function repositoryHandlers({ fake, views, repoOf }: HandlerKit): Record<string, Handler> {
  const createRepo = (request: ContractRequest, login: string, owner: string, ownerIsOrg: boolean) => {
    const body = bodyOf(request);
    const repo = fake.createRepo(owner, {
      name: String(body.name),
      private: body.private === true,
      autoInit: body.auto_init === true,
      ownerIsOrg,
      author: login,
      ...(text(body.description) ? { description: String(body.description) } : {}),
      ...(text(body.homepage) ? { homepage: String(body.homepage) } : {}),
    });
    return json(201, views.repository(repo));
  };

  return {
    'users/get-authenticated': (_request, login) => json(200, views.user(login)),
    'rate-limit/get': () => {
      const core = { limit: 5000, remaining: 4999, reset: Math.floor(Date.now() / 1000) + 3600, used: 1 };
      return json(200, { resources: { core, search: core }, rate: core });
    },

    'repos/create-for-authenticated-user': (request, login) => createRepo(request, login, login, false),
    'repos/create-in-org': (request, login) => {
      const org = param(request, 'org');
      if (!fake.orgs.has(org)) throw new FakeError(404, 'Not Found');
      return createRepo(request, login, org, true);
    },
    'repos/get': (request) => json(200, views.repository(repoOf(request))),
    'repos/delete': (request) => {
      fake.deleteRepo(param(request, 'owner'), param(request, 'repo'));
      return json(204, undefined);
    },

    'repos/create-webhook': (request) => {
      const repo = repoOf(request);
      const body = bodyOf(request) as {
        config: { url: string; content_type?: string; insecure_ssl?: string; secret?: string };
        events?: string[];
        active?: boolean;
      };
      if ([...repo.hooks.values()].some((hook) => hook.url === body.config.url)) {
        throw new FakeError(422, 'Validation Failed', [
          { resource: 'Hook', code: 'custom', message: 'Hook already exists on this repository' },
        ]);
      }
      const hook = {
        id: fake.id(),
        url: body.config.url,
        contentType: body.config.content_type ?? 'form',
        insecureSsl: String(body.config.insecure_ssl ?? '0'),
        secret: body.config.secret,
        events: body.events ?? ['push'],
        active: body.active ?? true,
        createdAt: timestamp(),
      };
      repo.hooks.set(hook.id, hook);
      return json(201, views.hook(repo, hook));
    },
    'repos/list-webhooks': (request) => {
      const repo = repoOf(request);
      return paginated(
        request,
        [...repo.hooks.values()].map((hook) => views.hook(repo, hook)),
      );
    },
    'repos/delete-webhook': (request) => {
      const repo = repoOf(request);
      if (!repo.hooks.delete(numberParam(request, 'hook_id'))) throw new FakeError(404, 'Not Found');
      return json(204, undefined);
    },
  };
}
