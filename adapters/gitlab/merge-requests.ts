import type { MergeRequestSchema } from '@gitbeaker/rest';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { projectRef, type GitlabClient } from './client.js';

const operation = defineOperation<GitlabClient>();

const mergeRequestOutput = z.object({
  iid: z.number().int(),
  id: z.number().int(),
  title: z.string(),
  state: z.string(),
  sourceBranch: z.string(),
  targetBranch: z.string(),
  webUrl: z.string(),
});

const mergeRequestView = (mr: MergeRequestSchema): z.output<typeof mergeRequestOutput> => ({
  iid: mr.iid,
  id: mr.id,
  title: mr.title,
  state: mr.state,
  sourceBranch: mr.source_branch,
  targetBranch: mr.target_branch,
  webUrl: mr.web_url,
});

export const mergeRequestOperations = {
  createMergeRequest: operation({
    description: 'Open a merge request from a source branch into a target branch.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      project: projectRef,
      sourceBranch: z.string().min(1),
      targetBranch: z.string().min(1),
      title: z.string().min(1).max(255),
      description: z.string().max(1_000_000).optional(),
      labels: z.array(z.string().min(1)).default([]),
      removeSourceBranch: z.boolean().default(true),
    }),
    output: mergeRequestOutput,
    // GitLab allows one open merge request per source and target branch: that one is ours.
    recover: async ({ client }, input) => {
      const open = await client.MergeRequests.all({
        projectId: input.project,
        state: 'opened',
        sourceBranch: input.sourceBranch,
        targetBranch: input.targetBranch,
        perPage: 5,
        maxPages: 1,
      });
      const found = open[0];
      return found ? mergeRequestView(found) : undefined;
    },
    run: async ({ client }, input) =>
      mergeRequestView(
        await client.MergeRequests.create(
          input.project,
          input.sourceBranch,
          input.targetBranch,
          input.title,
          {
            ...(input.description ? { description: input.description } : {}),
            ...(input.labels.length ? { labels: input.labels.join(',') } : {}),
            removeSourceBranch: input.removeSourceBranch,
          },
        ),
      ),
  }),
};
