import { lazy } from '../core/lazy.js';

/** @octokit/rest, loaded when the adapter first connects (see core/lazy.ts). */
export const octokitSdk = lazy(() => import('@octokit/rest'));
