import { defineAdapter } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { BrowserHost, playwrightCredentials } from './browser.js';
import { linkOperations } from './check-links.js';
import { classifyPlaywrightError } from './errors.js';
import { formOperations } from './forms.js';
import { pageReadOperations } from './page-reads.js';
import { screenshotOperations } from './screenshots.js';

/**
 * A headless Chromium (Debian's, through playwright-core) for reading, checking and
 * screenshotting web pages and submitting forms. It needs no credentials; PLAYWRIGHT_CHROMIUM_PATH
 * points it at another Chromium build.
 */
export const playwrightAdapter = defineAdapter({
  id: 'playwright',
  title: 'Playwright (headless Chromium)',
  credentials: {
    schema: playwrightCredentials,
    env: { executablePath: 'PLAYWRIGHT_CHROMIUM_PATH' },
    secret: [],
  },
  connect: (credentials, { logger }) => BrowserHost.launch(credentials, logger),
  testConnection: async (host) => {
    const version = (await host.browser()).version();
    if (!version) throw new ToolError('transient', 'Chromium started but reported no version');
  },
  classifyError: classifyPlaywrightError,
  disconnect: (host) => host.close(),
  operations: { ...pageReadOperations, ...screenshotOperations, ...linkOperations, ...formOperations },
});
