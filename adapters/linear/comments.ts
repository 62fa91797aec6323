import type { LinearClient } from '@linear/sdk';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { gql } from './client.js';
import { idFor, issueRef } from './ids.js';

const operation = defineOperation<LinearClient>();

const commentFields = 'id body url createdAt issue { id identifier }';

interface CommentNode {
  id: string;
  body: string;
  url: string;
  createdAt: string;
  issue: { id: string; identifier: string } | null;
}

const commentView = z.object({
  id: z.string(),
  body: z.string(),
  url: z.string(),
  createdAt: z.string(),
  issue: z.object({ id: z.string(), identifier: z.string() }).nullable(),
});

export const commentOperations = {
  addComment: operation({
    description:
      'Comment on an issue (by id or identifier) in markdown. Retries never post it twice: its id is derived ' +
      'from the idempotency key.',
    kind: 'write',
    idempotent: false,
    input: z.object({ issueId: issueRef, body: z.string().trim().min(1).max(100_000) }),
    output: commentView,
    recover: async ({ client, tenantId, idempotencyKey }) => {
      if (!idempotencyKey) return undefined;
      try {
        const data = await gql<{ comment: CommentNode }>(
          client,
          `query SomagentComment($id: String!) { comment(id: $id) { ${commentFields} } }`,
          { id: idFor('comment', tenantId, idempotencyKey) },
        );
        return data.comment;
      } catch (error) {
        if (error instanceof ToolError && error.category === 'not_found') return undefined;
        throw error;
      }
    },
    run: async ({ client, tenantId, idempotencyKey }, input) => {
      const data = await gql<{ commentCreate: { success: boolean; comment: CommentNode } }>(
        client,
        `mutation SomagentCommentCreate($input: CommentCreateInput!) {
          commentCreate(input: $input) { success comment { ${commentFields} } }
        }`,
        {
          input: {
            ...(idempotencyKey ? { id: idFor('comment', tenantId, idempotencyKey) } : {}),
            issueId: input.issueId,
            body: input.body,
          },
        },
      );
      if (!data.commentCreate.success) {
        throw new ToolError('transient', 'Linear did not confirm the comment it was asked to create', {
          tool: 'linear',
        });
      }
      return data.commentCreate.comment;
    },
  }),
};
