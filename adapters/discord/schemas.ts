import { z } from 'zod';

/** A Discord id: a 64-bit integer written in decimal. */
export const snowflake = z.string().regex(/^(0|[1-9][0-9]{0,19})$/, 'must be a Discord id (digits)');

/** The parts of a rich embed automation uses; Discord allows 10 per message. */
export const embed = z.object({
  title: z.string().max(256).optional(),
  description: z.string().max(4096).optional(),
  url: z.url().optional(),
  /** RGB as an integer, e.g. 0x2ecc71. */
  color: z.number().int().min(0).max(0xffffff).optional(),
  fields: z
    .array(
      z.object({
        name: z.string().min(1).max(256),
        value: z.string().min(1).max(1024),
        inline: z.boolean().optional(),
      }),
    )
    .max(25)
    .optional(),
  footer: z.object({ text: z.string().max(2048) }).optional(),
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

export const messageOutput = z.object({
  messageId: z.string(),
  channelId: z.string(),
  content: z.string(),
  timestamp: z.string(),
  authorId: z.string(),
});

/** What Discord answers for a message (the fields we read). */
export interface DiscordMessage {
  id: string;
  channel_id: string;
  content: string;
  timestamp: string;
  author: { id: string };
}

export const messageView = (message: DiscordMessage): z.input<typeof messageOutput> => ({
  messageId: message.id,
  channelId: message.channel_id,
  content: message.content,
  timestamp: message.timestamp,
  authorId: message.author.id,
});
