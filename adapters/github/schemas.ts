import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import { defineOperation } from '../core/define-adapter.js';
import type { GithubClient } from './client.js';

/** The operation factory bound to the GitHub client. */
export const operation = defineOperation<GithubClient>();

/** Owner (user or organization) and repository name, as every repository-scoped call takes them. */
export const repoRef = {
  owner: z.string().min(1).max(100),
  repo: z.string().min(1).max(100),
};

/** A branch name as `git check-ref-format --branch` would take it, roughly: no spaces, no `..`, no leading `-`. */
export const branchName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^(?!-)(?!.*\.\.)[^\s~^:?*[\\]+$/, 'must be a valid branch name');

/** A full commit id. */
export const commitSha = z.string().regex(/^[0-9a-f]{40}$/, 'must be a 40-character commit SHA');

/** An issue or pull request number (they share one sequence per repository). */
export const issueNumber = z.number().int().positive();

/** What the destroy operations answer; `deleted: false` when it was already gone (a repeated compensation). */
export const deletion = z.object({ deleted: z.boolean() });

/** Runs a delete and answers `deleted: false` when GitHub says the thing is not there. */
export async function deleteIfPresent(
  remove: () => Promise<unknown>,
  isGone = (error: ToolError) => error.category === 'not_found',
) {
  try {
    await remove();
    return { deleted: true };
  } catch (error) {
    if (error instanceof ToolError && isGone(error)) return { deleted: false };
    throw error;
  }
}

/** Runs a lookup and answers undefined for 404, as recover() needs. */
export async function findOrUndefined<T>(lookup: () => Promise<T>): Promise<T | undefined> {
  try {
    return await lookup();
  } catch (error) {
    if (error instanceof ToolError && error.category === 'not_found') return undefined;
    throw error;
  }
}

/** Git's object id of a blob with these bytes: what GitHub reports as the file's `sha`. */
export function gitBlobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** File content as the caller gave it: UTF-8 text or base64 bytes. */
export const fileEncoding = z.enum(['utf-8', 'base64']).default('utf-8');

/** The bytes of content given as UTF-8 text or base64. */
export const bytesOf = (content: string, encoding: 'utf-8' | 'base64') =>
  Buffer.from(content, encoding === 'base64' ? 'base64' : 'utf8');
