import { z } from 'zod';

/** A conversation id: public channel (C…), private channel (G… on older workspaces) or DM (D…). */
export const channelId = z
  .string()
  .regex(
    /^[CGD][A-Z0-9]{8,}$/,
    'must be a Slack channel id (C…); names do not work in conversations.* methods',
  );

/** A member of the workspace. */
export const userId = z.string().regex(/^[UW][A-Z0-9]{2,}$/, 'must be a Slack user id (U… or W…)');

/** A message timestamp, which is also the message's id within its channel. */
export const messageTs = z
  .string()
  .regex(/^\d{10}\.\d{6}$/, 'must be a Slack message ts (1234567890.123456)');

/** Slack's channel name rules: lower case letters, digits, hyphens and underscores, at most 80. */
export const channelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,79}$/, 'lower case letters, digits, - and _, at most 80 characters');

/** One Block Kit block; Slack validates the block itself, we check only that it names its type. */
export const block = z.looseObject({ type: z.string().min(1) });
/** The blocks of one message: Slack takes up to 50. */
export const blocks = z.array(block).min(1).max(50);
