import { lazy } from '../core/lazy.js';

/** @slack/web-api, loaded when the adapter first connects (see core/lazy.ts). */
export const slackSdk = lazy(() => import('@slack/web-api'));
