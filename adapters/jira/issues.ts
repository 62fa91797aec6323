import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { richText, toAdf } from './adf.js';
import { jira, type JiraClient } from './client.js';
import { findLabelled, idempotencyLabel } from './idempotency-label.js';
import { defaultFields, issueView, viewOf } from './search.js';

const operation = defineOperation<JiraClient>();

/** A Jira issue key (ABC-123) or numeric issue id. */
export const issueKey = z
  .string()
  .regex(/^([A-Z][A-Z0-9_]+-\d+|\d+)$/, 'must be an issue key (ABC-123) or id');
const projectKey = z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'must be a Jira project key (ABC)');
const label = z.string().regex(/^\S{1,255}$/, 'labels cannot contain spaces');

const issueFields = {
  projectKey,
  summary: z.string().trim().min(1).max(255),
  description: richText.optional(),
  labels: z.array(label).max(50).default([]),
  /** An epic, or the parent of a subtask. */
  parentKey: issueKey.optional(),
  /** Any other field by id (custom fields: `customfield_10010`), sent as given. */
  fields: z.record(z.string(), z.unknown()).default({}),
};
const issueInput = z.object({ ...issueFields, issueType: z.string().min(1).default('Task') });
type IssueInput = z.output<typeof issueInput>;

const createdIssue = z.object({ id: z.string(), key: z.string(), url: z.string() });

/** The `fields` of an issue create request; the idempotency label rides along with the caller's. */
function createFields(input: IssueInput, idempotencyKey: string | undefined): Record<string, unknown> {
  const labels = idempotencyKey ? [...input.labels, idempotencyLabel(idempotencyKey)] : input.labels;
  return {
    ...input.fields,
    project: { key: input.projectKey },
    summary: input.summary,
    issuetype: { name: input.issueType },
    ...(labels.length > 0 ? { labels } : {}),
    ...(input.description === undefined ? {} : { description: toAdf(input.description) }),
    ...(input.parentKey ? { parent: { key: input.parentKey } } : {}),
  };
}

async function createOne(client: JiraClient, input: IssueInput, idempotencyKey: string | undefined) {
  const created = await jira(() =>
    client.api.issues.createIssue({
      fields: createFields(input, idempotencyKey) as Parameters<
        typeof client.api.issues.createIssue
      >[0]['fields'],
    }),
  );
  return { id: created.id, key: created.key, url: `${client.siteUrl}/browse/${created.key}` };
}

async function recoverOne(client: JiraClient, idempotencyKey: string | undefined) {
  if (!idempotencyKey) return undefined;
  const [first] = await findLabelled(client, idempotencyKey);
  if (!first?.key) return undefined;
  return { id: first.id ?? '', key: first.key, url: `${client.siteUrl}/browse/${first.key}` };
}

const deleteCompensation = {
  operation: 'deleteIssue',
  input: (_input: unknown, output: { key: string }) => ({ issueKey: output.key }),
};

const bulkOutput = z.object({
  issues: z.array(createdIssue.extend({ index: z.number().int() })),
  errors: z.array(
    z.object({ index: z.number().int(), status: z.number().int().optional(), message: z.string() }),
  ),
});

export const issueOperations = {
  createIssue: operation({
    description:
      'Create an issue (summary, ADF or plain-text description, type, labels, parent). Retries never create it twice: ' +
      'it carries a label made from the idempotency key.',
    kind: 'write',
    idempotent: false,
    input: issueInput,
    output: createdIssue,
    compensate: deleteCompensation,
    recover: ({ client, idempotencyKey }) => recoverOne(client, idempotencyKey),
    run: ({ client, idempotencyKey }, input) => createOne(client, input, idempotencyKey),
  }),
  createEpic: operation({
    description:
      'Create an epic (issue type "Epic" unless the site names it otherwise); children name it as parentKey. ' +
      'Sites that still require an Epic Name take it in fields (its customfield id).',
    kind: 'write',
    idempotent: false,
    input: z.object({ ...issueFields, issueType: z.string().min(1).default('Epic') }),
    output: createdIssue,
    compensate: deleteCompensation,
    recover: ({ client, idempotencyKey }) => recoverOne(client, idempotencyKey),
    run: ({ client, idempotencyKey }, input) => createOne(client, input, idempotencyKey),
  }),
  bulkCreateIssues: operation({
    description:
      'Create up to 50 issues in one request. Jira creates what it can: failures come back in errors by input index.',
    kind: 'write',
    idempotent: false,
    input: z.object({ issues: z.array(issueInput).min(1).max(50) }),
    output: bulkOutput,
    compensate: {
      operation: 'deleteIssues',
      input: (_input, output) => ({ issueKeys: output.issues.map((issue) => issue.key) }),
    },
    recover: async ({ client, idempotencyKey }, input) => {
      if (!idempotencyKey) return undefined;
      const found = await findLabelled(client, idempotencyKey);
      if (found.length === 0) return undefined;
      // Search results carry no input index; summaries (and projects) match them to the request.
      const unused = new Set(input.issues.map((_, index) => index));
      const issues = found.map((issue) => {
        const summary = issue.fields?.summary;
        const index = [...unused].find((i) => input.issues[i]?.summary === summary) ?? -1;
        unused.delete(index);
        return {
          index,
          id: issue.id ?? '',
          key: issue.key ?? '',
          url: `${client.siteUrl}/browse/${issue.key ?? ''}`,
        };
      });
      return { issues, errors: [] };
    },
    run: async ({ client, idempotencyKey }, input) => {
      // A 400 means none was created; jiraError names each issue's errors from its body.
      const result = await jira(() =>
        client.api.issues.createIssues({
          issueUpdates: input.issues.map((issue) => ({ fields: createFields(issue, idempotencyKey) })),
        }),
      );
      const failed = new Set((result.errors ?? []).map((error) => error.failedElementNumber));
      const succeeded = input.issues.map((_, index) => index).filter((index) => !failed.has(index));
      return {
        issues: (result.issues ?? []).map((issue, position) => ({
          index: succeeded[position] ?? -1,
          id: issue.id,
          key: issue.key,
          url: `${client.siteUrl}/browse/${issue.key}`,
        })),
        errors: (result.errors ?? []).map((error) => ({
          index: error.failedElementNumber ?? -1,
          ...(error.status === undefined ? {} : { status: error.status }),
          message:
            [
              ...(error.elementErrors?.errorMessages ?? []),
              ...Object.entries(error.elementErrors?.errors ?? {}).map(
                ([field, message]) => `${field}: ${message}`,
              ),
            ].join('; ') || 'not created',
        })),
      };
    },
  }),
  getIssue: operation({
    description: 'Read one issue with the given fields.',
    kind: 'read',
    idempotent: true,
    input: z.object({ issueKey, fields: z.array(z.string().min(1)).min(1).default(defaultFields) }),
    output: issueView,
    run: async ({ client }, input) =>
      viewOf(
        client,
        await jira(() => client.api.issues.getIssue({ issueIdOrKey: input.issueKey, fields: input.fields })),
      ),
  }),
  deleteIssue: operation({
    description:
      'Delete an issue (the compensation of createIssue). An issue already gone counts as deleted.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ issueKey, deleteSubtasks: z.boolean().default(false) }),
    output: z.object({ issueKey: z.string(), deleted: z.boolean() }),
    run: async ({ client }, input) => ({ issueKey: input.issueKey, deleted: await deleteOne(client, input) }),
  }),
  deleteIssues: operation({
    description: 'Delete several issues one by one (the compensation of bulkCreateIssues).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({
      issueKeys: z.array(issueKey).min(1).max(100),
      deleteSubtasks: z.boolean().default(false),
    }),
    output: z.object({ deleted: z.array(z.string()), alreadyGone: z.array(z.string()) }),
    run: async ({ client, heartbeat }, input) => {
      const deleted: string[] = [];
      const alreadyGone: string[] = [];
      for (const key of input.issueKeys) {
        const gone = await deleteOne(client, { issueKey: key, deleteSubtasks: input.deleteSubtasks });
        (gone ? deleted : alreadyGone).push(key);
        heartbeat({ done: deleted.length + alreadyGone.length });
      }
      return { deleted, alreadyGone };
    },
  }),
};

/** True when this call deleted the issue, false when it was gone already (a compensation may run twice). */
async function deleteOne(
  client: JiraClient,
  input: { issueKey: string; deleteSubtasks: boolean },
): Promise<boolean> {
  try {
    await jira(() =>
      client.api.issues.deleteIssue({ issueIdOrKey: input.issueKey, deleteSubtasks: input.deleteSubtasks }),
    );
    return true;
  } catch (error) {
    if (error instanceof ToolError && error.category === 'not_found') return false;
    throw error;
  }
}
