import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { jira, type JiraClient } from './client.js';

const operation = defineOperation<JiraClient>();

/** The fields an issue view shows unless the caller asks for others. */
export const defaultFields = [
  'summary',
  'status',
  'issuetype',
  'labels',
  'assignee',
  'parent',
  'created',
  'updated',
];

/** An issue as operations return it: the usual fields named, every requested field raw. */
export const issueView = z.object({
  id: z.string(),
  key: z.string(),
  url: z.string(),
  summary: z.string().optional(),
  status: z.string().optional(),
  issueType: z.string().optional(),
  labels: z.array(z.string()).optional(),
  parentKey: z.string().optional(),
  fields: z.record(z.string(), z.unknown()),
});
export type IssueView = z.input<typeof issueView>;

interface RawIssue {
  id?: string;
  key?: string;
  fields?: Record<string, unknown>;
}

/** One page of the enhanced search, as the spec declares it (jira.js's model lacks `isLast`). */
interface SearchPage {
  issues?: RawIssue[];
  nextPageToken?: string | null;
  isLast?: boolean;
}

const named = (value: unknown, key: 'name' | 'key') =>
  value && typeof value === 'object' && typeof (value as Record<string, unknown>)[key] === 'string'
    ? ((value as Record<string, unknown>)[key] as string)
    : undefined;

/** Jira's issue bean as an issue view. */
export function viewOf(client: JiraClient, issue: RawIssue): IssueView {
  const fields = issue.fields ?? {};
  const key = issue.key ?? '';
  const summary = typeof fields.summary === 'string' ? fields.summary : undefined;
  const status = named(fields.status, 'name');
  const issueType = named(fields.issuetype, 'name');
  const parentKey = named(fields.parent, 'key');
  return {
    id: issue.id ?? '',
    key,
    url: `${client.siteUrl}/browse/${key}`,
    ...(summary === undefined ? {} : { summary }),
    ...(status === undefined ? {} : { status }),
    ...(issueType === undefined ? {} : { issueType }),
    ...(Array.isArray(fields.labels) ? { labels: fields.labels.map(String) } : {}),
    ...(parentKey === undefined ? {} : { parentKey }),
    fields,
  };
}

/**
 * Every issue a JQL query finds, page after page, through the enhanced search
 * (`POST /rest/api/3/search/jql`, token pagination): the offset-based `/rest/api/3/search` is
 * deprecated and being removed from Jira Cloud. POST, so long JQL never meets a URL limit.
 */
export async function searchAll(
  client: JiraClient,
  input: { jql: string; fields: string[]; pageSize: number; maxIssues: number },
  onPage?: (count: number) => void,
): Promise<{ issues: RawIssue[]; truncated: boolean }> {
  const issues: RawIssue[] = [];
  const seenTokens = new Set<string>();
  let nextPageToken: string | undefined;
  for (;;) {
    const remaining = input.maxIssues - issues.length;
    const page = await jira(() =>
      client.api.issueSearch.searchForIssuesUsingJqlEnhancedSearchPost<SearchPage>({
        jql: input.jql,
        fields: input.fields,
        maxResults: Math.min(input.pageSize, remaining),
        ...(nextPageToken ? { nextPageToken } : {}),
      }),
    );
    issues.push(...(page.issues ?? []).slice(0, remaining));
    onPage?.(issues.length);
    nextPageToken = page.nextPageToken ?? undefined;
    if (!nextPageToken || page.isLast === true) return { issues, truncated: false };
    if (issues.length >= input.maxIssues) return { issues, truncated: true };
    // A token seen before would loop forever; Jira never does that, a broken proxy might.
    if (seenTokens.has(nextPageToken)) throw new ToolError('transient', 'Jira search repeated a page token');
    seenTokens.add(nextPageToken);
  }
}

export const searchOperations = {
  searchIssues: operation({
    description:
      'Find issues with JQL (enhanced search, every page up to maxIssues). JQL must be bounded, e.g. "project = ABC".',
    kind: 'read',
    idempotent: true,
    input: z.object({
      jql: z.string().min(1).max(10_000),
      fields: z.array(z.string().min(1)).min(1).default(defaultFields),
      pageSize: z.number().int().min(1).max(5000).default(100),
      maxIssues: z.number().int().min(1).max(10_000).default(1000),
    }),
    output: z.object({ issues: z.array(issueView), truncated: z.boolean() }),
    run: async ({ client, heartbeat }, input) => {
      const found = await searchAll(client, input, (count) => heartbeat({ issues: count }));
      return { issues: found.issues.map((issue) => viewOf(client, issue)), truncated: found.truncated };
    },
  }),
};
