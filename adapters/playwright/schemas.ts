import { z } from 'zod';

/**
 * Web pages only: file:, data: and chrome: URLs would let a tool call read the worker's disk
 * or the browser's internals.
 */
export const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** When a navigation counts as done, as Playwright names the browser's events. */
export const waitUntil = z
  .enum(['load', 'domcontentloaded', 'networkidle', 'commit'])
  .default('load')
  .describe('load (default), domcontentloaded, networkidle (for pages that render from XHR), or commit');

/** Longest any one browser step (navigation, click, screenshot) may take. */
export const timeoutMs = z.number().int().min(100).max(300_000).default(30_000);

/** What every page operation starts with: where to go and how long to wait. */
export const pageInput = z.object({ url: webUrl, waitUntil, timeoutMs });

/** The HTTP status of the page's main document; null when the browser got none (same-document navigation). */
export const documentStatus = z.number().int().nullable();

/** A file saved with `saveArtifact`, passed by reference because images do not belong in Temporal payloads. */
export const artifactRef = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  path: z.string(),
});
