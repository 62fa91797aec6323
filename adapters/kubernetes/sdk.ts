import { lazy } from '../core/lazy.js';

/** @kubernetes/client-node, loaded when the adapter first connects (see core/lazy.ts). */
export const kubernetesSdk = lazy(() => import('@kubernetes/client-node'));

/** client.ts (and kubeconfig.ts behind it), which subclass and call the SDK at their top. */
export const kubernetesClientModule = lazy(() => import('./client.js'));
