import { z } from 'zod';
import type { GithubClient } from './client.js';
import { deleteIfPresent, deletion, findOrUndefined, operation, repoRef } from './schemas.js';

/** A repository as operations answer it. */
export const repositoryView = z.object({
  id: z.number(),
  owner: z.string(),
  name: z.string(),
  fullName: z.string(),
  private: z.boolean(),
  defaultBranch: z.string(),
  htmlUrl: z.string(),
  cloneUrl: z.string(),
});

interface RepositoryData {
  id: number;
  owner: { login: string };
  name: string;
  full_name: string;
  private: boolean;
  default_branch?: string;
  html_url: string;
  clone_url?: string;
}

/** GitHub's repository JSON in the adapter's terms. */
export const viewRepository = (data: RepositoryData): z.input<typeof repositoryView> => ({
  id: data.id,
  owner: data.owner.login,
  name: data.name,
  fullName: data.full_name,
  private: data.private,
  defaultBranch: data.default_branch ?? 'main',
  htmlUrl: data.html_url,
  cloneUrl: data.clone_url ?? '',
});

async function getRepository(client: GithubClient, owner: string, repo: string) {
  const { data } = await client.octokit.rest.repos.get({ owner, repo });
  return viewRepository(data);
}

/** The branch operations default to: the repository's default branch. */
export async function defaultBranch(client: GithubClient, owner: string, repo: string): Promise<string> {
  return (await getRepository(client, owner, repo)).defaultBranch;
}

/** Repositories: create, read, delete. */
export const repositoryOperations = {
  createRepository: operation({
    description:
      'Create a repository for the authenticated user, or in an organization, with a README commit (auto_init) so branches and commits can follow.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      name: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'letters, digits, ".", "-" and "_" only'),
      org: z
        .string()
        .min(1)
        .optional()
        .describe('Create it in this organization; omit for the authenticated user'),
      description: z.string().max(350).optional(),
      homepage: z.string().url().optional(),
      private: z.boolean().default(true),
      autoInit: z.boolean().default(true).describe('Commit a README so the default branch exists'),
    }),
    output: repositoryView,
    compensate: {
      operation: 'deleteRepository',
      input: (_input, output) => ({ owner: output.owner, repo: output.name }),
    },
    // Names are unique per owner: a repository by that name is what the interrupted attempt made.
    recover: async ({ client }, input) =>
      findOrUndefined(async () => getRepository(client, input.org ?? (await client.viewer()), input.name)),
    run: async ({ client }, input) => {
      const body = {
        name: input.name,
        private: input.private,
        auto_init: input.autoInit,
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.homepage === undefined ? {} : { homepage: input.homepage }),
      };
      const { data } = input.org
        ? await client.octokit.rest.repos.createInOrg({ org: input.org, ...body })
        : await client.octokit.rest.repos.createForAuthenticatedUser(body);
      return viewRepository(data);
    },
  }),
  getRepository: operation({
    description: 'Read a repository: id, visibility, default branch and URLs.',
    kind: 'read',
    idempotent: true,
    input: z.object(repoRef),
    output: repositoryView,
    run: async ({ client }, input) => getRepository(client, input.owner, input.repo),
  }),
  deleteRepository: operation({
    description: 'Delete a repository (the compensation of createRepository); needs the delete_repo scope.',
    kind: 'destroy',
    idempotent: true,
    input: z.object(repoRef),
    output: deletion,
    run: async ({ client }, input) => deleteIfPresent(() => client.octokit.rest.repos.delete(input)),
  }),
};
