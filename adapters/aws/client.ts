import { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsCredentials } from './credentials.js';

// This module loads the SDK; the adapter imports it lazily (sdk.ts), never at the top.
export { awsCredentials, type AwsCredentials } from './credentials.js';
export { classifyEc2Error } from './errors.js';

export function connectEc2(credentials: AwsCredentials): EC2Client {
  return new EC2Client({
    region: credentials.region,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken ? { sessionToken: credentials.sessionToken } : {}),
    },
    ...(credentials.endpoint ? { endpoint: credentials.endpoint } : {}),
    // Retries belong to the activity (Temporal), which sees the whole picture; one SDK attempt each.
    maxAttempts: 1,
  });
}
