import type { MergeRequestSchema } from '@gitbeaker/rest';

/** A merge request as the release notes list it. */
export interface MergedRequest {
  iid: number;
  title: string;
  author: string;
  mergedAt: string;
}

/**
 * The merge requests merged into the target branch after `since` (exclusive), oldest first.
 * GitLab's REST API has no `merged_after` filter (only GraphQL has one), so the caller asks for
 * merge requests updated after `since`, a superset, since merging updates a merge request, and
 * this keeps the ones whose `merged_at` is later.
 */
export function mergedSince(mergeRequests: MergeRequestSchema[], since: string | undefined): MergedRequest[] {
  const after = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
  return mergeRequests
    .filter((mr) => mr.state === 'merged' && mr.merged_at && Date.parse(mr.merged_at) > after)
    .map((mr) => ({ iid: mr.iid, title: mr.title, author: mr.author.username, mergedAt: mr.merged_at ?? '' }))
    .sort((a, b) => Date.parse(a.mergedAt) - Date.parse(b.mergedAt) || a.iid - b.iid);
}

/** Markdown release notes: an optional intro, then one line per merge request (`- Title (!12) by @alice`). */
export function renderReleaseNotes(options: {
  previousTag?: string;
  mergeRequests: MergedRequest[];
  intro?: string;
}): string {
  const heading = options.previousTag ? `## Changes since ${options.previousTag}` : '## Changes';
  const lines = options.mergeRequests.map(
    (mr) => `- ${mr.title.replace(/\s+/g, ' ').trim()} (!${mr.iid}) by @${mr.author}`,
  );
  const body = lines.length
    ? lines.join('\n')
    : `No merge requests were merged${options.previousTag ? ` since ${options.previousTag}` : ''}.`;
  return [options.intro?.trim(), heading, body].filter(Boolean).join('\n\n');
}

/** The merge request numbers a rendered description lists, in order. */
export const listedMergeRequests = (description: string) =>
  [...description.matchAll(/\(!(\d+)\)/g)].map((m) => Number(m[1]));
