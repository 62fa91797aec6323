import type { APIRequestContext } from 'playwright-core';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { newPage, visit, withBrowserContext, type BrowserHost } from './browser.js';
import { linkHrefs } from './in-page.js';
import { documentStatus, pageInput } from './schemas.js';

const operation = defineOperation<BrowserHost>();

const linkResult = z.object({
  href: z.string(),
  /** Final HTTP status after redirects; absent when no HTTP answer came (refused, DNS, TLS, timeout). */
  status: z.number().int().optional(),
  ok: z.boolean(),
  error: z.string().optional(),
});
type LinkResult = z.output<typeof linkResult>;

/** Playwright prefixes its messages with the call and appends a call log; the first line's cause is what a reader needs. */
const shortError = (error: unknown) =>
  (error instanceof Error ? error.message : String(error))
    .split('\n')[0]
    ?.replace(/^apiRequestContext\.\w+:\s*/, '')
    .trim() ?? 'request failed';

/**
 * HEAD first, because it skips the body; servers that answer HEAD with an error (405, 403, or
 * a 404 from frameworks that route GET only) get a GET before the link counts as broken.
 * The requests go through the browser context, so they carry the page's cookies.
 */
async function checkLink(request: APIRequestContext, href: string, timeout: number): Promise<LinkResult> {
  const options = { timeout, maxRedirects: 10, failOnStatusCode: false };
  try {
    let response = await request.head(href, options);
    if (response.status() >= 400) {
      await response.dispose();
      response = await request.get(href, options);
    }
    const status = response.status();
    await response.dispose();
    return { href, status, ok: status < 400 };
  } catch (error) {
    return { href, ok: false, error: shortError(error) };
  }
}

export const linkOperations = {
  checkLinks: operation({
    description:
      'Collect the http(s) links (a[href]) of a page and check each (HEAD, then GET) with a timeout and limited concurrency; reports the broken ones.',
    kind: 'read',
    idempotent: true,
    input: pageInput.extend({
      sameOriginOnly: z.boolean().default(false),
      limit: z
        .number()
        .int()
        .min(1)
        .max(2000)
        .default(200)
        .describe('most distinct links checked, in page order'),
      linkTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
      concurrency: z.number().int().min(1).max(16).default(6),
    }),
    output: z.object({
      url: z.string(),
      status: documentStatus,
      /** Distinct links on the page (fragments removed), before sameOriginOnly and limit. */
      found: z.number().int(),
      links: z.array(linkResult),
      broken: z.number().int(),
    }),
    run: (context, input) =>
      withBrowserContext(context, async (browserContext) => {
        const page = await newPage(browserContext, input.timeoutMs);
        const visited = await visit(page, input);
        const hrefs = [
          ...new Set(
            (await page.locator('a[href]').evaluateAll(linkHrefs)).map((href) => href.split('#')[0] ?? href),
          ),
        ];
        const origin = new URL(visited.url).origin;
        const targets = hrefs
          .filter((href) => !input.sameOriginOnly || new URL(href).origin === origin)
          .slice(0, input.limit);
        await page.close();

        const links: LinkResult[] = new Array<LinkResult>(targets.length);
        let next = 0;
        let done = 0;
        const worker = async () => {
          while (next < targets.length && !context.signal.aborted) {
            const index = next++;
            links[index] = await checkLink(browserContext.request, targets[index] ?? '', input.linkTimeoutMs);
            done += 1;
            // Many slow links can take minutes; the heartbeat tells Temporal the work is alive.
            context.heartbeat({ checked: done, of: targets.length });
          }
        };
        await Promise.all(Array.from({ length: Math.min(input.concurrency, targets.length) }, worker));
        context.signal.throwIfAborted();
        return {
          url: visited.url,
          status: visited.status,
          found: hrefs.length,
          links,
          broken: links.filter((link) => !link.ok).length,
        };
      }),
  }),
};
