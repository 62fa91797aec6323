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
