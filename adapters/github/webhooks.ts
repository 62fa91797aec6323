import { z } from 'zod';
import type { GithubClient } from './client.js';
import { deleteIfPresent, deletion, operation, repoRef } from './schemas.js';

const hookView = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  signed: z.boolean(),
});

interface HookData {
  id: number;
  active: boolean;
  events: string[];
  config: { url?: string; secret?: string };
}

const viewHook = (data: HookData): z.input<typeof hookView> => ({
  id: data.id,
  url: data.config.url ?? '',
  events: data.events,
  active: data.active,
  // GitHub never shows a secret back, only that there is one.
  signed: data.config.secret !== undefined && data.config.secret !== null,
});

async function findHook(client: GithubClient, input: { owner: string; repo: string; url: string }) {
  const hooks = await client.octokit.paginate(client.octokit.rest.repos.listWebhooks, {
    owner: input.owner,
    repo: input.repo,
    per_page: 100,
  });
  const found = hooks.find((hook) => hook.config.url === input.url);
  return found ? viewHook(found) : undefined;
}

/** Repository webhooks: create and delete. */
export const webhookOperations = {
  createWebhook: operation({
    description:
      'Create a repository webhook delivering the given events to a URL; signed with the webhookSecret credential (GITHUB_WEBHOOK_SECRET) when one is set.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      ...repoRef,
      url: z.string().url(),
      events: z.array(z.string().min(1)).min(1).default(['push']),
      contentType: z.enum(['json', 'form']).default('json'),
      active: z.boolean().default(true),
      insecureSsl: z.boolean().default(false),
    }),
    output: hookView,
    compensate: {
      operation: 'deleteWebhook',
      input: (input, output) => ({ owner: input.owner, repo: input.repo, hookId: output.id }),
    },
    // GitHub refuses a second hook with the same URL on a repository, so the URL identifies ours.
    recover: async ({ client }, input) => findHook(client, input),
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.repos.createWebhook({
        owner: input.owner,
        repo: input.repo,
        name: 'web',
        active: input.active,
        events: input.events,
        config: {
          url: input.url,
          content_type: input.contentType,
          insecure_ssl: input.insecureSsl ? '1' : '0',
          ...(client.webhookSecret ? { secret: client.webhookSecret } : {}),
        },
      });
      return viewHook(data);
    },
  }),
  deleteWebhook: operation({
    description: 'Delete a repository webhook (the compensation of createWebhook).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ ...repoRef, hookId: z.number().int().positive() }),
    output: deletion,
    run: async ({ client }, input) =>
      deleteIfPresent(() =>
        client.octokit.rest.repos.deleteWebhook({
          owner: input.owner,
          repo: input.repo,
          hook_id: input.hookId,
        }),
      ),
  }),
};
