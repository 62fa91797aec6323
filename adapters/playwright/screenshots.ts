import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { newPage, visit, withBrowserContext, type BrowserHost } from './browser.js';
import { artifactRef, documentStatus, pageInput } from './schemas.js';

const operation = defineOperation<BrowserHost>();

const viewport = z.object({
  width: z.number().int().min(200).max(3840),
  height: z.number().int().min(200).max(4320),
});

/** Width and height from a PNG's IHDR chunk, which always follows the 8-byte signature. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

const fileSafe = (url: string) => new URL(url).hostname.replace(/[^\w.-]+/g, '_') || 'page';

export const screenshotOperations = {
  screenshot: operation({
    description:
      'PNG screenshots of a page at one or more viewport sizes (default 1280x800), saved as artifacts and returned by reference.',
    kind: 'read',
    idempotent: true,
    input: pageInput.extend({
      fullPage: z.boolean().default(false).describe('the whole scrollable page instead of the viewport'),
      viewports: z
        .array(viewport)
        .min(1)
        .max(10)
        .default([{ width: 1280, height: 800 }]),
    }),
    output: z.object({
      url: z.string(),
      status: documentStatus,
      screenshots: z.array(
        artifactRef.extend({
          /** The image's own size: the viewport's, or the page's when fullPage is set. */
          width: z.number().int(),
          height: z.number().int(),
          viewport,
        }),
      ),
    }),
    run: (context, input) =>
      withBrowserContext(context, async (browserContext) => {
        const screenshots = [];
        let last: { url: string; status: number | null } = { url: input.url, status: null };
        for (const size of input.viewports) {
          // A fresh load per size, so layouts that are decided by script at load time are right too.
          const page = await newPage(browserContext, input.timeoutMs);
          await page.setViewportSize(size);
          const visited = await visit(page, input);
          last = { url: visited.url, status: visited.status };
          const png = await page.screenshot({
            type: 'png',
            fullPage: input.fullPage,
            animations: 'disabled',
          });
          await page.close();
          const ref = await context.saveArtifact(
            `${fileSafe(visited.url)}-${size.width}x${size.height}.png`,
            png,
            'image/png',
          );
          screenshots.push({ ...ref, ...pngSize(png), viewport: size });
          context.heartbeat({ screenshots: screenshots.length, of: input.viewports.length });
        }
        return { ...last, screenshots };
      }),
  }),
};
