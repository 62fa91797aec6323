import { lazy } from '../core/lazy.js';

/** playwright-core, loaded when the adapter first launches Chromium (see core/lazy.ts). */
export const playwrightSdk = lazy(() => import('playwright-core'));
