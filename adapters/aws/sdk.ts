import { lazy } from '../core/lazy.js';

/** The EC2 SDK, loaded when the adapter first connects (see core/lazy.ts); operations take its commands from here. */
export const ec2Sdk = lazy(() => import('@aws-sdk/client-ec2'));

/** client.ts, which imports the SDK at its top (tests call its connectEc2 synchronously). */
export const ec2ClientModule = lazy(() => import('./client.js'));
