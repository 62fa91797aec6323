import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { OperationContext } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { playwrightSdk } from './sdk.js';

/** Debian's package puts it here; `npx playwright install` cannot download browsers on a closed network. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';

/** Nothing is required: with no credentials at all the adapter drives the system Chromium. */
export const playwrightCredentials = z.object({
  executablePath: z.string().min(1).optional(),
});
export type PlaywrightCredentials = z.output<typeof playwrightCredentials>;

/**
 * Chromium's own background traffic (variations, component updates, sync) is refused on closed
 * networks, and without these switches the refusals break the page's connections too. No
 * sandbox because workers commonly run as root in containers, where Chromium's sandbox cannot start.
 */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * One Chromium per adapter client, shared by every call; each call gets its own browser
 * context, so calls never see each other's cookies or storage. A browser that crashed or was
 * closed is launched again on the next call instead of failing every call after it.
 */
export class BrowserHost {
  private current: Promise<Browser> | undefined;
  private closed = false;

  constructor(
    readonly executablePath: string,
    private readonly logger: Logger,
  ) {}

  /** Launches Chromium; fails with a message that says how to install it when it is missing. */
  static async launch(credentials: PlaywrightCredentials, logger: Logger): Promise<BrowserHost> {
    const host = new BrowserHost(credentials.executablePath ?? DEFAULT_CHROMIUM_PATH, logger);
    await host.browser();
    return host;
  }

  browser(): Promise<Browser> {
    if (this.closed)
      return Promise.reject(new ToolError('transient', 'the browser was shut down with its worker'));
    if (!this.current) {
      const launching = this.start();
      const forget = () => {
        if (this.current === launching) this.current = undefined;
      };
      this.current = launching;
      launching.then((browser) => browser.on('disconnected', forget), forget);
    }
    return this.current;
  }

  async close(): Promise<void> {
    this.closed = true;
    const browser = await this.current?.catch(() => undefined);
    this.current = undefined;
    await browser?.close();
  }

  private async start(): Promise<Browser> {
    if (!existsSync(this.executablePath)) {
      throw new ToolError(
        'invalid_input',
        `Chromium is not installed at ${this.executablePath}. Install it with scripts/setup/chromium.sh ` +
          '(apt-get install -y --no-install-recommends chromium) or set PLAYWRIGHT_CHROMIUM_PATH.',
      );
    }
    const { chromium } = await playwrightSdk();
    const started = performance.now();
    const browser = await chromium.launch({
      executablePath: this.executablePath,
      headless: true,
      args: chromiumArgs,
      timeout: 60_000,
      // The platform's supervisor owns the signals and closes the browser through disconnect().
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    this.logger.info(
      { version: browser.version(), launchMs: Math.round(performance.now() - started) },
      'chromium launched',
    );
    return browser;
  }
}

/**
 * Runs `work` in a fresh browser context that is closed afterwards, whatever happens. An
 * aborted signal (activity cancelled or timed out) closes the context at once, which makes
 * whatever Playwright call is pending fail, so the activity ends promptly.
 */
export async function withBrowserContext<T>(
  context: OperationContext<BrowserHost>,
  work: (browserContext: BrowserContext) => Promise<T>,
): Promise<T> {
  const cancelled = () =>
    new ToolError(
      'transient',
      `cancelled: ${String((context.signal.reason as Error | undefined)?.message ?? context.signal.reason)}`,
    );
  if (context.signal.aborted) throw cancelled();
  const browser = await context.client.browser();
  const browserContext = await browser.newContext({ acceptDownloads: false, serviceWorkers: 'block' });
  const onAbort = () =>
    void browserContext.close({ reason: 'the tool call was cancelled' }).catch(() => undefined);
  context.signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (context.signal.aborted) throw cancelled();
    return await work(browserContext);
  } catch (error) {
    if (context.signal.aborted) throw cancelled();
    throw error;
  } finally {
    context.signal.removeEventListener('abort', onAbort);
    await browserContext.close().catch(() => undefined);
  }
}

/** A page in the call's browser context whose every step (clicks, waits, screenshots) is bounded by `timeoutMs`. */
export async function newPage(browserContext: BrowserContext, timeoutMs: number): Promise<Page> {
  const page = await browserContext.newPage();
  page.setDefaultTimeout(timeoutMs);
  page.setDefaultNavigationTimeout(timeoutMs);
  return page;
}

/** Where a navigation ended and how it went. HTTP errors are results here, not failures. */
export interface Visit {
  url: string;
  status: number | null;
  loadMs: number;
  response: Response | null;
}

/** Navigates and measures; network failures throw (classified by classifyPlaywrightError), 404s do not. */
export async function visit(
  page: Page,
  input: {
    url: string;
    waitUntil: 'load' | 'domcontentloaded' | 'networkidle' | 'commit';
    timeoutMs: number;
  },
): Promise<Visit> {
  const started = performance.now();
  const response = await page.goto(input.url, { waitUntil: input.waitUntil, timeout: input.timeoutMs });
  return {
    url: page.url(),
    status: response?.status() ?? null,
    loadMs: Math.round(performance.now() - started),
    response,
  };
}

/** Opens a page in a fresh context and hands it to `work` with how the navigation went. */
export function onPage<T>(
  context: OperationContext<BrowserHost>,
  input: {
    url: string;
    waitUntil: 'load' | 'domcontentloaded' | 'networkidle' | 'commit';
    timeoutMs: number;
  },
  work: (page: Page, visited: Visit) => Promise<T>,
): Promise<T> {
  return withBrowserContext(context, async (browserContext) => {
    const page = await newPage(browserContext, input.timeoutMs);
    return work(page, await visit(page, input));
  });
}
