import type { ResourceGroup } from '@azure/arm-resources';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { AzureClients } from './client.js';
import { pollInterval, untilDone } from './long-running.js';
import { isNotFound, pollSeconds, resourceGroupName, tags } from './schemas.js';

const operation = defineOperation<AzureClients>();

const groupView = z.object({
  id: z.string(),
  name: z.string(),
  location: z.string(),
  provisioningState: z.string().optional(),
  tags: z.record(z.string(), z.string()),
});

function view(group: ResourceGroup): z.input<typeof groupView> {
  return {
    id: group.id ?? '',
    name: group.name ?? '',
    location: group.location,
    ...(group.properties?.provisioningState ? { provisioningState: group.properties.provisioningState } : {}),
    tags: group.tags ?? {},
  };
}

/** OData filter of ResourceGroups_List: ARM filters by one tag name, or one name and value. */
function tagFilter(tag: { name: string; value?: string | undefined } | undefined): string | undefined {
  if (!tag) return undefined;
  const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;
  return tag.value === undefined
    ? `tagName eq ${quote(tag.name)}`
    : `tagName eq ${quote(tag.name)} and tagValue eq ${quote(tag.value)}`;
}

/** Resource groups: list, create (idempotent PUT), delete (long-running). */
export const resourceGroupOperations = {
  listResourceGroups: operation({
    description: 'List the resource groups of the subscription, optionally those with a tag (and value).',
    kind: 'read',
    idempotent: true,
    input: z.object({
      tag: z.object({ name: z.string().min(1), value: z.string().optional() }).optional(),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    output: z.object({ resourceGroups: z.array(groupView) }),
    run: async ({ client }, input) => {
      const filter = tagFilter(input.tag);
      const resourceGroups: z.input<typeof groupView>[] = [];
      for await (const group of client.resources.resourceGroups.list(filter ? { filter } : {})) {
        resourceGroups.push(view(group));
        if (resourceGroups.length >= input.limit) break;
      }
      return { resourceGroups };
    },
  }),
  createResourceGroup: operation({
    description:
      'Create a resource group with tags, or update the tags of an existing one (an idempotent PUT).',
    kind: 'write',
    idempotent: true,
    input: z.object({ name: resourceGroupName, location: z.string().min(1), tags }),
    output: groupView,
    compensate: { operation: 'deleteResourceGroup', input: (input) => ({ name: input.name }) },
    // The name is the identity: what an interrupted attempt created is found by it.
    recover: async ({ client }, input) => {
      try {
        return view(await client.resources.resourceGroups.get(input.name));
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    run: async ({ client }, input) =>
      view(
        await client.resources.resourceGroups.createOrUpdate(input.name, {
          location: input.location,
          tags: input.tags,
        }),
      ),
  }),
  deleteResourceGroup: operation({
    description:
      'Delete a resource group and everything in it, waiting (heartbeating) until Azure reports it gone. ' +
      'A group that does not exist counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ name: resourceGroupName, pollSeconds }),
    output: z.object({ name: z.string(), deleted: z.boolean() }),
    run: async (context, input) => {
      try {
        const poller = await context.client.resources.resourceGroups.beginDelete(
          input.name,
          pollInterval(input),
        );
        await untilDone(context, `delete resource group ${input.name}`, poller);
        return { name: input.name, deleted: true };
      } catch (error) {
        if (isNotFound(error)) return { name: input.name, deleted: false };
        throw error;
      }
    },
  }),
};
