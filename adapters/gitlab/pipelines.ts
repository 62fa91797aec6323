import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { projectRef, type GitlabClient } from './client.js';

const operation = defineOperation<GitlabClient>();

export const pipelineOperations = {
  pipelineStatus: operation({
    description:
      'The latest pipeline of a ref (the default branch when none is given): status, commit, timings.',
    kind: 'read',
    idempotent: true,
    input: z.object({ project: projectRef, ref: z.string().min(1).optional() }),
    output: z.object({
      pipelineId: z.number().int(),
      status: z.string(),
      ref: z.string(),
      sha: z.string(),
      webUrl: z.string(),
      createdAt: z.string(),
      finishedAt: z.string().nullable(),
      durationSeconds: z.number().nullable(),
    }),
    run: async ({ client }, input) => {
      const pipeline = await client.Pipelines.showLatest(input.project, input.ref ? { ref: input.ref } : {});
      return {
        pipelineId: pipeline.id,
        status: pipeline.status,
        ref: pipeline.ref,
        sha: pipeline.sha,
        webUrl: pipeline.web_url,
        createdAt: pipeline.created_at,
        finishedAt: pipeline.finished_at ?? null,
        durationSeconds: pipeline.duration ?? null,
      };
    },
  }),
};
