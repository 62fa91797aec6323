import type { IssueSchema } from '@gitbeaker/rest';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { idempotencyMarker, projectRef, type GitlabClient } from './client.js';

const operation = defineOperation<GitlabClient>();

const issueOutput = z.object({
  iid: z.number().int(),
  id: z.number().int(),
  title: z.string(),
  state: z.string(),
  webUrl: z.string(),
});

const issueView = (issue: IssueSchema): z.output<typeof issueOutput> => ({
  iid: issue.iid,
  id: issue.id,
  title: issue.title,
  state: issue.state,
  webUrl: issue.web_url,
});

/** An HTML comment (invisible when rendered) that a retry finds with the issues search. */
export const issueMarker = (key: string) => `somagent-key-${idempotencyMarker(key)}`;

export const issueOperations = {
  createIssue: operation({
    description:
      'Open an issue with labels and assignees. With an idempotency key the description carries an invisible marker a ' +
      'retry searches for.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      project: projectRef,
      title: z.string().min(1).max(255),
      description: z.string().max(1_000_000).default(''),
      labels: z.array(z.string().min(1)).default([]),
      assigneeIds: z.array(z.number().int().positive()).default([]),
      confidential: z.boolean().default(false),
    }),
    output: issueOutput,
    recover: async ({ client, idempotencyKey }, input) => {
      if (!idempotencyKey) return undefined;
      const marker = issueMarker(idempotencyKey);
      const found = await client.Issues.all({
        projectId: input.project,
        search: marker,
        in: 'description',
        perPage: 5,
        maxPages: 1,
      });
      const issue = found.find((candidate) => (candidate.description ?? '').includes(marker));
      return issue ? issueView(issue) : undefined;
    },
    run: async ({ client, idempotencyKey }, input) => {
      const description = idempotencyKey
        ? `${input.description}\n\n<!-- ${issueMarker(idempotencyKey)} -->`.trimStart()
        : input.description;
      const issue = await client.Issues.create(input.project, input.title, {
        description,
        ...(input.labels.length ? { labels: input.labels.join(',') } : {}),
        ...(input.assigneeIds.length ? { assigneeIds: input.assigneeIds } : {}),
        confidential: input.confidential,
      });
      return issueView(issue);
    },
  }),
};
