import type { ReleaseSchema } from '@gitbeaker/rest';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { projectRef, unlessMissing, type GitlabClient } from './client.js';
import { listedMergeRequests, mergedSince, renderReleaseNotes } from './release-notes.js';

const operation = defineOperation<GitlabClient>();

const releaseOutput = z.object({
  tagName: z.string(),
  name: z.string(),
  description: z.string(),
  /** The merge requests (iids) the notes list. */
  mergeRequestIids: z.array(z.number().int()),
  webUrl: z.string().optional(),
});

const releaseView = (release: ReleaseSchema): z.output<typeof releaseOutput> => {
  const links = release._links as { self?: string } | undefined;
  return {
    tagName: release.tag_name,
    name: release.name ?? release.tag_name,
    description: release.description ?? '',
    mergeRequestIids: listedMergeRequests(release.description ?? ''),
    ...(links?.self ? { webUrl: links.self } : {}),
  };
};

export const releaseOperations = {
  createRelease: operation({
    description:
      'Create a release (and its tag from `ref` if missing) whose notes list the merge requests merged into the target ' +
      'branch since the previous release.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      project: projectRef,
      tagName: z.string().min(1).max(255),
      name: z.string().min(1).max(255).optional(),
      /** Branch or commit the tag is created from when it does not exist yet. */
      ref: z.string().min(1).default('main'),
      /** Branch whose merged merge requests the notes list; `ref` when absent. */
      targetBranch: z.string().min(1).optional(),
      /** Markdown put before the list. */
      intro: z.string().max(10_000).optional(),
    }),
    output: releaseOutput,
    // A tag has at most one release: if it exists, the interrupted attempt made it.
    recover: async ({ client }, input) => {
      const found = await unlessMissing(client.ProjectReleases.show(input.project, input.tagName));
      return found ? releaseView(found) : undefined;
    },
    run: async ({ client }, input) => {
      const recent = await client.ProjectReleases.all(input.project, {
        orderBy: 'released_at',
        sort: 'desc',
        perPage: 20,
        maxPages: 1,
      });
      const previous = recent.find(
        (release) => release.tag_name !== input.tagName && !release.upcoming_release,
      );
      const since = previous ? (previous.released_at ?? previous.created_at) : undefined;
      const candidates = await client.MergeRequests.all({
        projectId: input.project,
        state: 'merged',
        targetBranch: input.targetBranch ?? input.ref,
        orderBy: 'updated_at',
        sort: 'desc',
        perPage: 100,
        maxPages: 20,
        ...(since ? { updatedAfter: since } : {}),
      });
      const description = renderReleaseNotes({
        mergeRequests: mergedSince(candidates, since),
        ...(previous ? { previousTag: previous.tag_name } : {}),
        ...(input.intro ? { intro: input.intro } : {}),
      });
      const release = await client.ProjectReleases.create(input.project, {
        tagName: input.tagName,
        name: input.name ?? input.tagName,
        ref: input.ref,
        description,
      });
      return releaseView(release);
    },
  }),
};
