import { createHash } from 'node:crypto';
import type { Gitlab } from '@gitbeaker/rest';
import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import { transportRequester } from './requester.js';
import { gitbeakerSdk } from './sdk.js';

export const gitlabCredentials = z.object({
  /** A personal, group or project access token (scope `api`). */
  token: z.string().min(1),
  /** gitlab.com or a self-managed instance, without /api/v4. */
  host: z.url().default('https://gitlab.com'),
});
export type GitlabCredentials = z.output<typeof gitlabCredentials>;

export type GitlabClient = Gitlab<false>;

/** gitbeaker's Gitlab client, its HTTP done by the shared transport (see requester.ts). */
export async function connectGitlab(
  credentials: GitlabCredentials,
  transport: typeof fetch,
): Promise<GitlabClient> {
  const [{ Gitlab }, requesterFn] = await Promise.all([gitbeakerSdk(), transportRequester(transport)]);
  return new Gitlab({
    host: credentials.host.replace(/\/+$/, ''),
    token: credentials.token,
    requesterFn,
  });
}

/** A project by numeric id or full path (`group/subgroup/project`). */
export const projectRef = z.string().min(1).max(500);

/**
 * A short, stable token derived from an idempotency key, written into what a write creates
 * (a commit trailer, an issue description) so a retry can search for it.
 */
export const idempotencyMarker = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 20);

/** Runs a lookup whose "not found" means "not there (yet)". */
export async function unlessMissing<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    if (error instanceof ToolError && error.category === 'not_found') return undefined;
    throw error;
  }
}
