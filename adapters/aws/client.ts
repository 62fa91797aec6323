import { EC2Client } from '@aws-sdk/client-ec2';
import { z } from 'zod';

export const awsCredentials = z.object({
  region: z.string().min(1).default('us-east-1'),
  accessKeyId: z.string().min(1),
  secretAccessKey: z.string().min(1),
  sessionToken: z.string().min(1).optional(),
  /** A local or private EC2 endpoint (moto in tests, a VPC endpoint in production). */
  endpoint: z.string().url().optional(),
});
export type AwsCredentials = z.output<typeof awsCredentials>;

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

/** EC2 answers 400 for most errors; its error codes say what they mean. */
export function classifyEc2Error(error: unknown) {
  const name = (error as { name?: string; Code?: string })?.name ?? '';
  if (/NotFound/.test(name)) return 'not_found' as const;
  if (/^(AuthFailure|InvalidClientTokenId|SignatureDoesNotMatch|UnrecognizedClientException)$/.test(name))
    return 'auth' as const;
  if (/^(UnauthorizedOperation|AccessDenied)/.test(name)) return 'permission' as const;
  if (/Duplicate|AlreadyExists|DependencyViolation|IncorrectInstanceState|IncorrectState/.test(name))
    return 'conflict' as const;
  if (/^(RequestLimitExceeded|Throttling|ThrottlingException)$/.test(name)) return 'rate_limited' as const;
  if (/^(InsufficientInstanceCapacity|ServiceUnavailable|InternalError|Unavailable)$/.test(name))
    return 'transient' as const;
  return undefined;
}
