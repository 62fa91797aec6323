import { lazy } from '../core/lazy.js';

/** jira.js, loaded when the adapter first connects (see core/lazy.ts). */
export const jiraSdk = lazy(() => import('jira.js'));
