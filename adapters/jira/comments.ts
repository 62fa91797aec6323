import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { richText, toAdf } from './adf.js';
import { jira, type JiraClient } from './client.js';
import { issueKey } from './issues.js';

const operation = defineOperation<JiraClient>();

export const commentOperations = {
  addComment: operation({
    description:
      'Add a comment (ADF or plain text) to an issue. Jira takes no idempotency key and comments carry no ' +
      "searchable tag, so a worker crash between Jira's answer and the ledger can leave a duplicate comment.",
    kind: 'write',
    idempotent: false,
    input: z.object({ issueKey, body: richText }),
    output: z.object({
      id: z.string(),
      issueKey: z.string(),
      created: z.string().optional(),
      url: z.string(),
    }),
    run: async ({ client }, input) => {
      const comment = await jira(() =>
        client.api.issueComments.addComment({ issueIdOrKey: input.issueKey, comment: toAdf(input.body) }),
      );
      const id = comment.id ?? '';
      return {
        id,
        issueKey: input.issueKey,
        ...(comment.created ? { created: String(comment.created) } : {}),
        url: `${client.siteUrl}/browse/${input.issueKey}?focusedCommentId=${id}`,
      };
    },
  }),
};
