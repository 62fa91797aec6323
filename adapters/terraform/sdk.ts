import { lazy } from '../core/lazy.js';

/** infra/synth.ts with the stacks' constructs and cdktf, loaded at the first synth (see core/lazy.ts). */
export const stackSynth = lazy(() => import('../../infra/synth.js'));
