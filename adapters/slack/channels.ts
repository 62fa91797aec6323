import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { platformErrorCode, slackCall, slackToolError } from './client.js';
import { channelId, channelName, userId } from './schemas.js';

const operation = defineOperation<WebClient>();

const channelOutput = z.object({ channelId: z.string(), name: z.string(), isPrivate: z.boolean() });
const channelSummary = channelOutput.extend({
  isArchived: z.boolean(),
  isMember: z.boolean(),
  numMembers: z.number().int().optional(),
});

interface SlackChannel {
  id?: string;
  name?: string;
  is_private?: boolean;
  is_archived?: boolean;
  is_member?: boolean;
  num_members?: number;
}

const summary = (channel: SlackChannel): z.input<typeof channelSummary> => ({
  channelId: channel.id ?? '',
  name: channel.name ?? '',
  isPrivate: channel.is_private ?? false,
  isArchived: channel.is_archived ?? false,
  isMember: channel.is_member ?? false,
  ...(channel.num_members === undefined ? {} : { numMembers: channel.num_members }),
});

/** Every conversation of the given types, page by page (Slack may answer fewer than `limit`). */
async function listAll(
  client: WebClient,
  options: { types: string; excludeArchived: boolean },
): Promise<SlackChannel[]> {
  const channels: SlackChannel[] = [];
  let cursor: string | undefined;
  do {
    const page = await slackCall(
      client.conversations.list({
        types: options.types,
        exclude_archived: options.excludeArchived,
        limit: 200,
        ...(cursor ? { cursor } : {}),
      }),
    );
    channels.push(...((page.channels ?? []) as SlackChannel[]));
    cursor = page.response_metadata?.next_cursor || undefined;
  } while (cursor);
  return channels;
}

/** Channels: create (found again by name after a crash), invite, archive, list. */
export const channelOperations = {
  createChannel: operation({
    description: 'Create a public or private channel (conversations.create).',
    kind: 'write',
    idempotent: false,
    input: z.object({ name: channelName, isPrivate: z.boolean().default(false) }),
    output: channelOutput,
    compensate: { operation: 'archiveChannel', input: (_input, output) => ({ channel: output.channelId }) },
    // Names are unique in a workspace, so after a crash the name finds what the first attempt made.
    recover: async ({ client }, input) => {
      const types = input.isPrivate ? 'private_channel' : 'public_channel';
      const found = (await listAll(client, { types, excludeArchived: true })).find(
        (c) => c.name === input.name,
      );
      return found?.id ? { channelId: found.id, name: input.name, isPrivate: input.isPrivate } : undefined;
    },
    run: async ({ client }, input) => {
      const result = await slackCall(
        client.conversations.create({ name: input.name, is_private: input.isPrivate }),
      );
      return {
        channelId: result.channel?.id ?? '',
        name: result.channel?.name ?? input.name,
        isPrivate: result.channel?.is_private ?? input.isPrivate,
      };
    },
  }),
  inviteUsers: operation({
    description: 'Invite users to a channel (conversations.invite); users already in it are not an error.',
    kind: 'write',
    idempotent: true,
    input: z.object({ channel: channelId, users: z.array(userId).min(1).max(1000) }),
    output: z.object({
      channelId: z.string(),
      invited: z.array(z.string()),
      alreadyMembers: z.array(z.string()),
    }),
    run: async ({ client }, input) => {
      const invite = (users: string[]) =>
        client.conversations.invite({ channel: input.channel, users: users.join(',') });
      try {
        await invite(input.users);
        return { channelId: input.channel, invited: input.users, alreadyMembers: [] };
      } catch (error) {
        if (platformErrorCode(error) !== 'already_in_channel') throw slackToolError(error) ?? error;
        // Slack refuses the whole call when some users are members already and lists them per user.
        const perUser = (
          (error as { data?: { errors?: { user?: string; error?: string }[] } }).data?.errors ?? []
        )
          .filter((entry) => entry.error === 'already_in_channel')
          .map((entry) => entry.user);
        const members =
          perUser.length > 0 ? input.users.filter((user) => perUser.includes(user)) : input.users;
        const rest = input.users.filter((user) => !members.includes(user));
        if (rest.length > 0) await slackCall(invite(rest));
        return { channelId: input.channel, invited: rest, alreadyMembers: members };
      }
    },
  }),
  archiveChannel: operation({
    description: 'Archive a channel (conversations.archive; the compensation of createChannel).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ channel: channelId }),
    output: z.object({ channelId: z.string(), archived: z.literal(true) }),
    run: async ({ client }, input) => {
      try {
        await client.conversations.archive({ channel: input.channel });
      } catch (error) {
        // Archiving twice leaves the same state: a retried compensation must not fail on it.
        if (platformErrorCode(error) !== 'already_archived') throw slackToolError(error) ?? error;
      }
      return { channelId: input.channel, archived: true as const };
    },
  }),
  listChannels: operation({
    description:
      'List channels (conversations.list, all pages), optionally only those whose name contains a text.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      types: z
        .array(z.enum(['public_channel', 'private_channel', 'mpim', 'im']))
        .min(1)
        .default(['public_channel', 'private_channel']),
      excludeArchived: z.boolean().default(true),
      nameContains: z.string().optional(),
    }),
    output: z.object({ channels: z.array(channelSummary) }),
    run: async ({ client }, input) => {
      const channels = await listAll(client, {
        types: input.types.join(','),
        excludeArchived: input.excludeArchived,
      });
      const wanted = input.nameContains;
      return {
        channels: channels.filter((c) => !wanted || (c.name ?? '').includes(wanted)).map(summary),
      };
    },
  }),
};
