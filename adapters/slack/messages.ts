import type { ChatUpdateArguments, WebClient } from '@slack/web-api';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { platformErrorCode, slackCall, slackToolError } from './client.js';
import { blocks, channelId, messageTs } from './schemas.js';

const operation = defineOperation<WebClient>();

const messageRef = z.object({ channel: z.string(), ts: z.string() });

/** Messages: post with Block Kit, update, delete. */
export const messageOperations = {
  postMessage: operation({
    description:
      'Post a message (chat.postMessage) with text and optional Block Kit blocks; the text is the notification and fallback.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      channel: channelId,
      text: z.string().min(1).max(40_000),
      blocks: blocks.optional(),
      threadTs: messageTs.optional(),
      unfurlLinks: z.boolean().optional(),
    }),
    output: messageRef,
    compensate: {
      operation: 'deleteMessage',
      input: (_input, output) => ({ channel: output.channel, ts: output.ts }),
    },
    // No recover: Slack has no idempotency key for messages, and finding one by text could adopt
    // someone else's. A crash between Slack's answer and the ledger can repeat the message once.
    run: async ({ client }, input) => {
      const result = await slackCall(
        client.chat.postMessage({
          channel: input.channel,
          text: input.text,
          ...(input.blocks ? { blocks: input.blocks as never } : {}),
          ...(input.threadTs ? { thread_ts: input.threadTs } : {}),
          ...(input.unfurlLinks === undefined ? {} : { unfurl_links: input.unfurlLinks }),
        }),
      );
      return { channel: result.channel ?? input.channel, ts: result.ts ?? '' };
    },
  }),
  updateMessage: operation({
    description: 'Replace the text and/or blocks of a message the token posted (chat.update).',
    kind: 'write',
    idempotent: true,
    input: z
      .object({
        channel: channelId,
        ts: messageTs,
        text: z.string().min(1).max(40_000).optional(),
        blocks: blocks.optional(),
      })
      .refine((input) => input.text !== undefined || input.blocks !== undefined, 'give text, blocks or both'),
    output: messageRef.extend({ text: z.string() }),
    run: async ({ client }, input) => {
      const result = await slackCall(
        client.chat.update({
          channel: input.channel,
          ts: input.ts,
          ...(input.text === undefined ? {} : { text: input.text }),
          ...(input.blocks ? { blocks: input.blocks } : {}),
        } as ChatUpdateArguments),
      );
      return {
        channel: result.channel ?? input.channel,
        ts: result.ts ?? input.ts,
        text: result.text ?? input.text ?? '',
      };
    },
  }),
  deleteMessage: operation({
    description:
      'Delete a message (chat.delete; the compensation of postMessage). A message already gone is not an error.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ channel: channelId, ts: messageTs }),
    output: messageRef.extend({ deleted: z.literal(true) }),
    run: async ({ client }, input) => {
      try {
        await client.chat.delete({ channel: input.channel, ts: input.ts });
      } catch (error) {
        if (platformErrorCode(error) !== 'message_not_found') throw slackToolError(error) ?? error;
      }
      return { channel: input.channel, ts: input.ts, deleted: true as const };
    },
  }),
};
