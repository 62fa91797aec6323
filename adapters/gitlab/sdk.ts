import { lazy } from '../core/lazy.js';

/** gitbeaker's client, loaded when the adapter first connects (see core/lazy.ts). */
export const gitbeakerSdk = lazy(() => import('@gitbeaker/rest'));

/** The package @gitbeaker/rest is built on, for the requester (requester.ts). */
export const gitbeakerRequesterUtils = lazy(() => import('@gitbeaker/requester-utils'));
