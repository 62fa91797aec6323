import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { figma, fileKey, nodeId, type FigmaClient } from './client.js';

const operation = defineOperation<FigmaClient>();

/** A comment as Figma returns it (the fields read here). */
interface FigmaComment {
  id: string;
  message: string;
  created_at: string;
  order_id: string | null;
  parent_id?: string;
  client_meta?: { node_id?: string } | null;
}

const commentView = z.object({
  id: z.string(),
  fileKey: z.string(),
  message: z.string(),
  createdAt: z.string(),
  /** The number Figma shows on a top-level comment. */
  orderId: z.string().nullable(),
  parentId: z.string().nullable(),
  nodeId: z.string().nullable(),
});

const viewOf = (key: string, comment: FigmaComment): z.output<typeof commentView> => ({
  id: comment.id,
  fileKey: key,
  message: comment.message,
  createdAt: comment.created_at,
  orderId: comment.order_id ?? null,
  parentId: comment.parent_id || null,
  nodeId: comment.client_meta?.node_id ?? null,
});

/** How far back recover looks for the comment an interrupted attempt posted. */
const RECOVER_WINDOW_MS = 24 * 60 * 60 * 1000;

export const commentOperations = {
  postComment: operation({
    description:
      'Post a comment on a file, pinned to a node (frame) or not, or reply to a comment. Figma takes no ' +
      'idempotency key: after an interrupted attempt the retry looks for a comment with the same text, place ' +
      'and parent posted in the last 24 hours before posting again.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      fileKey,
      message: z.string().trim().min(1).max(10_000),
      /** Pin the comment to this node, at an offset from its top-left corner. */
      nodeId: nodeId.optional(),
      offset: z.object({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
      /** Reply to this top-level comment instead. */
      replyTo: z.string().regex(/^\d+$/).optional(),
    }),
    output: commentView,
    compensate: {
      operation: 'deleteComment',
      input: (_input, output) => ({ fileKey: output.fileKey, commentId: output.id }),
    },
    recover: async ({ client, signal }, input) => {
      const { comments } = await figma<{ comments: FigmaComment[] }>(
        client,
        'GET',
        `/v1/files/${input.fileKey}/comments`,
        { signal },
      );
      const since = Date.now() - RECOVER_WINDOW_MS;
      const same = comments
        .filter(
          (comment) =>
            comment.message === input.message &&
            (comment.parent_id || undefined) === input.replyTo &&
            (comment.client_meta?.node_id ?? undefined) === (input.replyTo ? undefined : input.nodeId) &&
            Date.parse(comment.created_at) >= since,
        )
        // Newest first; comment ids grow, which orders two posted in the same millisecond.
        .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || Number(b.id) - Number(a.id));
      return same[0] ? viewOf(input.fileKey, same[0]) : undefined;
    },
    run: async ({ client, signal }, input) => {
      const comment = await figma<FigmaComment>(client, 'POST', `/v1/files/${input.fileKey}/comments`, {
        body: {
          message: input.message,
          ...(input.replyTo ? { comment_id: input.replyTo } : {}),
          // Replies take their place from the comment they answer.
          ...(input.nodeId && !input.replyTo
            ? { client_meta: { node_id: input.nodeId, node_offset: input.offset } }
            : {}),
        },
        signal,
      });
      return viewOf(input.fileKey, comment);
    },
  }),
  deleteComment: operation({
    description:
      'Delete a comment the token posted (the compensation of postComment); one already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ fileKey, commentId: z.string().regex(/^\d+$/) }),
    output: z.object({ commentId: z.string(), deleted: z.boolean() }),
    run: async ({ client, signal }, input) => {
      try {
        await figma(client, 'DELETE', `/v1/files/${input.fileKey}/comments/${input.commentId}`, { signal });
        return { commentId: input.commentId, deleted: true };
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found')
          return { commentId: input.commentId, deleted: false };
        throw error;
      }
    },
  }),
};
