import { lazy } from '../core/lazy.js';

/** @linear/sdk, loaded when the adapter first connects (see core/lazy.ts). */
export const linearSdk = lazy(() => import('@linear/sdk'));
