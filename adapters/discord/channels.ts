import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { isGone, type DiscordClient } from './client.js';
import { snowflake } from './schemas.js';

const operation = defineOperation<DiscordClient>();

// Discord's channel type numbers for the kinds a bot creates.
const channelTypes = { text: 0, voice: 2, category: 4, announcement: 5, forum: 15 } as const;
const threadTypes = { public: 11, private: 12 } as const;

interface DiscordChannel {
  id: string;
  name?: string;
  type: number;
  guild_id?: string;
  parent_id?: string | null;
}

const channelOutput = z.object({
  channelId: z.string(),
  name: z.string(),
  type: z.number().int(),
  guildId: z.string().optional(),
  parentId: z.string().optional(),
});

const channelView = (channel: DiscordChannel): z.input<typeof channelOutput> => ({
  channelId: channel.id,
  name: channel.name ?? '',
  type: channel.type,
  ...(channel.guild_id ? { guildId: channel.guild_id } : {}),
  ...(channel.parent_id ? { parentId: channel.parent_id } : {}),
});

/**
 * Channels and threads have no idempotency key or unique name in Discord, and finding "a channel
 * called X" could return one a person made (which the saga's compensation would then delete), so
 * these writes have no `recover`: the ledger still makes a completed call happen once.
 */
export const channelOperations = {
  createChannel: operation({
    description: 'Create a channel in a guild (text by default), optionally under a category.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      guildId: snowflake,
      name: z.string().min(1).max(100),
      type: z.enum(['text', 'voice', 'category', 'announcement', 'forum']).default('text'),
      topic: z.string().max(1024).optional(),
      /** The category to put it under. */
      parentId: snowflake.optional(),
      nsfw: z.boolean().optional(),
    }),
    output: channelOutput,
    compensate: { operation: 'deleteChannel', input: (_input, output) => ({ channelId: output.channelId }) },
    run: async ({ client }, input) =>
      channelView(
        await client.request<DiscordChannel>({
          method: 'POST',
          path: `/guilds/${input.guildId}/channels`,
          body: {
            name: input.name,
            type: channelTypes[input.type],
            ...(input.topic ? { topic: input.topic } : {}),
            ...(input.parentId ? { parent_id: input.parentId } : {}),
            ...(input.nsfw === undefined ? {} : { nsfw: input.nsfw }),
          },
        }),
      ),
  }),
  createThread: operation({
    description:
      'Start a thread in a text channel: from a message when messageId is given, otherwise on its own (public or private).',
    kind: 'write',
    idempotent: false,
    input: z.object({
      channelId: snowflake,
      name: z.string().min(1).max(100),
      messageId: snowflake.optional(),
      visibility: z.enum(['public', 'private']).default('public'),
      /** Minutes of inactivity before Discord archives it. */
      autoArchiveMinutes: z
        .union([z.literal(60), z.literal(1440), z.literal(4320), z.literal(10080)])
        .default(1440),
    }),
    output: channelOutput,
    compensate: { operation: 'deleteChannel', input: (_input, output) => ({ channelId: output.channelId }) },
    run: async ({ client }, input) => {
      const thread = input.messageId
        ? await client.request<DiscordChannel>({
            method: 'POST',
            path: `/channels/${input.channelId}/messages/${input.messageId}/threads`,
            body: { name: input.name, auto_archive_duration: input.autoArchiveMinutes },
          })
        : await client.request<DiscordChannel>({
            method: 'POST',
            path: `/channels/${input.channelId}/threads`,
            body: {
              name: input.name,
              auto_archive_duration: input.autoArchiveMinutes,
              type: threadTypes[input.visibility],
            },
          });
      return channelView(thread);
    },
  }),
  deleteChannel: operation({
    description:
      'Delete a channel or thread (the compensation of createChannel and createThread); one already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ channelId: snowflake }),
    output: z.object({ channelId: z.string(), deleted: z.boolean() }),
    run: async ({ client }, input) => {
      try {
        await client.request({ method: 'DELETE', path: `/channels/${input.channelId}` });
        return { channelId: input.channelId, deleted: true };
      } catch (error) {
        if (isGone(error)) return { channelId: input.channelId, deleted: false };
        throw error;
      }
    },
  }),
};
