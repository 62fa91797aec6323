import { lazy } from '../core/lazy.js';

/** @notionhq/client, loaded when the adapter first connects (see core/lazy.ts). */
export const notionSdk = lazy(() => import('@notionhq/client'));
