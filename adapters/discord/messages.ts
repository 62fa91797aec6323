import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { isGone, type DiscordClient } from './client.js';
import { embed, messageOutput, messageView, snowflake, type DiscordMessage } from './schemas.js';

const operation = defineOperation<DiscordClient>();

/**
 * Discord has no idempotency key, but a message sent with `nonce` and `enforce_nonce: true` is
 * created once: a repeat with the same nonce from the same bot within a few minutes returns the
 * first message instead of posting again. The nonce (25 characters at most) is derived from our
 * idempotency key, so every attempt of one workflow step sends the same one.
 */
export const nonceFor = (idempotencyKey: string) =>
  createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 25);

// Automation should not ping @everyone by accident; `all` has to be asked for.
const mentionParse = { none: [], users: ['users'], all: ['users', 'roles', 'everyone'] } as const;

const postInput = z
  .object({
    channelId: snowflake,
    content: z.string().max(2000).default(''),
    embeds: z.array(embed).max(10).default([]),
    /** Which mentions in the content notify people. */
    mentions: z.enum(['none', 'users', 'all']).default('users'),
  })
  .refine(
    (input) => input.content.length > 0 || input.embeds.length > 0,
    'a message needs content or embeds',
  );

function postMessage(
  client: DiscordClient,
  input: z.output<typeof postInput>,
  idempotencyKey: string | undefined,
) {
  return client.request<DiscordMessage>({
    method: 'POST',
    path: `/channels/${input.channelId}/messages`,
    body: {
      content: input.content,
      embeds: input.embeds,
      allowed_mentions: { parse: mentionParse[input.mentions] },
      ...(idempotencyKey ? { nonce: nonceFor(idempotencyKey), enforce_nonce: true } : {}),
    },
  });
}

const webhookInput = z
  .object({
    webhookId: snowflake,
    /** The secret half of the webhook URL; kept out of error messages. */
    webhookToken: z.string().min(1).max(200),
    content: z.string().max(2000).default(''),
    embeds: z.array(embed).max(10).default([]),
    /** Overrides the webhook's name and avatar for this message. */
    username: z.string().min(1).max(80).optional(),
    avatarUrl: z.url().optional(),
    /** Posts into this thread of the webhook's channel. */
    threadId: snowflake.optional(),
  })
  .refine(
    (input) => input.content.length > 0 || input.embeds.length > 0,
    'a message needs content or embeds',
  );

export const messageOperations = {
  postMessage: operation({
    description:
      'Post a message (content and embeds) to a channel or thread. With an idempotency key the message carries a nonce ' +
      'derived from it with enforce_nonce, so Discord itself refuses to post it twice within a few minutes.',
    kind: 'write',
    idempotent: false,
    input: postInput,
    output: messageOutput,
    compensate: {
      operation: 'deleteMessage',
      input: (_input, output) => ({ channelId: output.channelId, messageId: output.messageId }),
    },
    // Sending the same nonce again returns the message the interrupted attempt posted. Past
    // Discord's dedupe window (a few minutes) it would post anew; Temporal retries well within it.
    recover: async ({ client, idempotencyKey, logger }, input) => {
      if (!idempotencyKey) return undefined;
      const asked = Date.now();
      const message = await postMessage(client, input, idempotencyKey);
      if (Date.parse(message.timestamp) >= asked - 1000) {
        logger.warn({ messageId: message.id }, 'the interrupted attempt had not posted; posted now');
      }
      return messageOutput.parse(messageView(message));
    },
    run: async ({ client, idempotencyKey }, input) =>
      messageView(await postMessage(client, input, idempotencyKey)),
  }),
  listMessages: operation({
    description: 'The latest messages of a channel or thread, newest first.',
    kind: 'read',
    idempotent: true,
    input: z.object({ channelId: snowflake, limit: z.number().int().min(1).max(100).default(50) }),
    output: z.object({ messages: z.array(messageOutput) }),
    run: async ({ client }, input) => {
      const messages = await client.request<DiscordMessage[] | null>({
        method: 'GET',
        path: `/channels/${input.channelId}/messages`,
        query: { limit: input.limit },
      });
      return { messages: (messages ?? []).map(messageView) };
    },
  }),
  deleteMessage: operation({
    description: 'Delete a message (the compensation of postMessage); one already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ channelId: snowflake, messageId: snowflake }),
    output: z.object({ channelId: z.string(), messageId: z.string(), deleted: z.boolean() }),
    run: async ({ client }, input) => {
      try {
        await client.request({
          method: 'DELETE',
          path: `/channels/${input.channelId}/messages/${input.messageId}`,
        });
        return { ...input, deleted: true };
      } catch (error) {
        if (isGone(error)) return { ...input, deleted: false };
        throw error;
      }
    },
  }),
  postWebhookMessage: operation({
    description:
      'Post through an incoming webhook (no bot needed; `?wait=true` so Discord returns the message). Webhooks take no ' +
      'nonce, so a retry after an unknown outcome may post twice.',
    kind: 'write',
    idempotent: false,
    input: webhookInput,
    output: messageOutput,
    run: async ({ client }, input) => {
      const message = await client.request<DiscordMessage>({
        method: 'POST',
        path: `/webhooks/${input.webhookId}/${encodeURIComponent(input.webhookToken)}`,
        query: { wait: true, thread_id: input.threadId },
        bot: false,
        redact: [encodeURIComponent(input.webhookToken)],
        body: {
          content: input.content,
          embeds: input.embeds,
          allowed_mentions: { parse: ['users'] },
          ...(input.username ? { username: input.username } : {}),
          ...(input.avatarUrl ? { avatar_url: input.avatarUrl } : {}),
        },
      });
      return messageView(message);
    },
  }),
};
