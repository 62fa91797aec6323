import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import type { GithubClient } from './client.js';
import { deleteIfPresent, deletion, findOrUndefined, issueNumber, operation, repoRef } from './schemas.js';

const labelView = z.object({ name: z.string(), color: z.string(), description: z.string().nullable() });

interface LabelData {
  name: string;
  color: string;
  description: string | null;
}

const viewLabel = (data: LabelData): z.input<typeof labelView> => ({
  name: data.name,
  color: data.color,
  description: data.description ?? null,
});

// GitHub validates colours itself (and its 422 says which is wrong); we only drop a leading '#'.
const color = z
  .string()
  .min(1)
  .transform((value) => value.replace(/^#/, ''))
  .describe('Hex colour without "#", e.g. "663399"');

async function getLabel(client: GithubClient, owner: string, repo: string, name: string) {
  return viewLabel((await client.octokit.rest.issues.getLabel({ owner, repo, name })).data);
}

/** Repository labels, and labelling issues. */
export const labelOperations = {
  createLabel: operation({
    description:
      'Make sure a label exists: create it, or answer the existing one (created: false) when the name is taken.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      ...repoRef,
      name: z.string().min(1).max(50),
      color,
      description: z.string().max(100).optional(),
    }),
    output: labelView.extend({ created: z.boolean() }),
    // No compensation: the label may have existed before, and deleting it would strip it from other issues.
    recover: async ({ client }, input) =>
      findOrUndefined(async () => ({
        ...(await getLabel(client, input.owner, input.repo, input.name)),
        created: true,
      })),
    run: async ({ client }, input) => {
      try {
        const { data } = await client.octokit.rest.issues.createLabel({
          owner: input.owner,
          repo: input.repo,
          name: input.name,
          color: input.color,
          ...(input.description === undefined ? {} : { description: input.description }),
        });
        return { ...viewLabel(data), created: true };
      } catch (error) {
        if (!(error instanceof ToolError) || error.category !== 'conflict') throw error;
        return { ...(await getLabel(client, input.owner, input.repo, input.name)), created: false };
      }
    },
  }),
  listLabels: operation({
    description: 'List the labels of a repository (all pages).',
    kind: 'read',
    idempotent: true,
    input: z.object(repoRef),
    output: z.object({ labels: z.array(labelView) }),
    run: async ({ client }, input) => {
      // GitHub's page size (30): a repository rarely has more labels than a page or two.
      const labels = await client.octokit.paginate(client.octokit.rest.issues.listLabelsForRepo, {
        owner: input.owner,
        repo: input.repo,
      });
      return { labels: labels.map(viewLabel) };
    },
  }),
  updateLabel: operation({
    description: 'Rename a label or change its colour or description.',
    kind: 'write',
    idempotent: true,
    input: z.object({
      ...repoRef,
      name: z.string().min(1),
      newName: z.string().min(1).max(50).optional(),
      color: color.optional(),
      description: z.string().max(100).optional(),
    }),
    output: labelView,
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.issues.updateLabel({
        owner: input.owner,
        repo: input.repo,
        name: input.name,
        ...(input.newName === undefined ? {} : { new_name: input.newName }),
        ...(input.color === undefined ? {} : { color: input.color }),
        ...(input.description === undefined ? {} : { description: input.description }),
      });
      return viewLabel(data);
    },
  }),
  deleteLabel: operation({
    description: 'Delete a label from the repository (and so from every issue that has it).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ ...repoRef, name: z.string().min(1) }),
    output: deletion,
    run: async ({ client }, input) => deleteIfPresent(() => client.octokit.rest.issues.deleteLabel(input)),
  }),
  addLabelsToIssue: operation({
    description:
      'Add labels to an issue or pull request (missing labels are created); answers all its labels.',
    kind: 'write',
    idempotent: true,
    input: z.object({ ...repoRef, issueNumber, labels: z.array(z.string().min(1)).min(1).max(100) }),
    output: z.object({ labels: z.array(z.string()) }),
    run: async ({ client }, input) => {
      const { data } = await client.octokit.rest.issues.addLabels({
        owner: input.owner,
        repo: input.repo,
        issue_number: input.issueNumber,
        labels: input.labels,
      });
      return { labels: data.map((label) => label.name) };
    },
  }),
};
