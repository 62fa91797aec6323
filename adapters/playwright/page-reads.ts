import type { Page } from 'playwright-core';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { onPage, type BrowserHost } from './browser.js';
import { imagesWithoutAlt, readTables } from './in-page.js';
import { documentStatus, pageInput } from './schemas.js';

const operation = defineOperation<BrowserHost>();

/** Text goes into Temporal's history; a megabyte of it would make every later step slower. */
const maxChars = z.number().int().min(1).max(1_000_000).default(50_000);

/** The page's visible text (as a reader sees it, not the markup), or that of every element a selector matches. */
async function visibleText(
  page: Page,
  selector: string | undefined,
): Promise<{ text: string; matched: number }> {
  if (!selector) return { text: await page.locator('body').innerText(), matched: 1 };
  const texts = await page.locator(selector).allInnerTexts();
  return { text: texts.join('\n\n'), matched: texts.length };
}

export const pageReadOperations = {
  openPage: operation({
    description:
      'Open a URL in Chromium: final URL after redirects, HTTP status (a 404 is a result, not an error), title, load time.',
    kind: 'read',
    idempotent: true,
    input: pageInput,
    output: z.object({
      url: z.string(),
      status: documentStatus,
      title: z.string(),
      loadMs: z.number().int(),
    }),
    run: (context, input) =>
      onPage(context, input, async (page, visited) => ({
        url: visited.url,
        status: visited.status,
        title: await page.title(),
        loadMs: visited.loadMs,
      })),
  }),
  extractText: operation({
    description:
      'Visible text of a page, or of the elements a CSS/Playwright selector matches (joined by blank lines).',
    kind: 'read',
    idempotent: true,
    input: pageInput.extend({ selector: z.string().min(1).optional(), maxChars }),
    output: z.object({
      url: z.string(),
      status: documentStatus,
      text: z.string(),
      /** How many elements the selector matched (1 for the whole page). */
      matched: z.number().int(),
      truncated: z.boolean(),
    }),
    run: (context, input) =>
      onPage(context, input, async (page, visited) => {
        const { text, matched } = await visibleText(page, input.selector);
        return {
          url: visited.url,
          status: visited.status,
          text: text.slice(0, input.maxChars),
          matched,
          truncated: text.length > input.maxChars,
        };
      }),
  }),
  extractTables: operation({
    description:
      'HTML tables as headers and rows of cell text; selector picks tables or elements containing them (default: every table).',
    kind: 'read',
    idempotent: true,
    input: pageInput.extend({
      selector: z.string().min(1).default('table'),
      maxRows: z.number().int().min(1).max(10_000).default(1000),
    }),
    output: z.object({
      url: z.string(),
      status: documentStatus,
      tables: z.array(z.object({ headers: z.array(z.string()), rows: z.array(z.array(z.string())) })),
    }),
    run: (context, input) =>
      onPage(context, input, async (page, visited) => ({
        url: visited.url,
        status: visited.status,
        tables: await page.locator(input.selector).evaluateAll(readTables, input.maxRows),
      })),
  }),
  findImagesWithoutAlt: operation({
    description:
      'Images with no text alternative (axe-core image-alt rule: no alt, aria-label, aria-labelledby or title, and not role=none/presentation); alt="" counts as decorative.',
    kind: 'read',
    idempotent: true,
    input: pageInput,
    output: z.object({
      url: z.string(),
      status: documentStatus,
      images: z.array(z.object({ src: z.string(), selector: z.string().optional() })),
      count: z.number().int(),
    }),
    run: (context, input) =>
      onPage(context, input, async (page, visited) => {
        const images = await page.locator('img').evaluateAll(imagesWithoutAlt);
        return { url: visited.url, status: visited.status, images, count: images.length };
      }),
  }),
};
