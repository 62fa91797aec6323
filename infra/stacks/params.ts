import path from 'node:path';
import { z } from 'zod';

/*
 * The stacks' parameters, apart from their constructs: the registry's catalog (catalog.ts) and the
 * Terraform adapter's input schema need them without loading cdktf.
 */

/** A directory on the worker a stack writes into: absolute, without ".." segments. */
export const absoluteDirectory = z
  .string()
  .min(1)
  .refine((value) => path.isAbsolute(value) && !value.split(/[\\/]/).includes('..'), {
    error: 'must be an absolute path without ".." segments',
  });

/** What the sandbox stack is made from, checked before anything is synthesized or run. */
export const sandboxStackParams = z.object({
  directory: absoluteDirectory.describe(
    'Absolute directory the stack writes its file into (created by the local provider if missing).',
  ),
  label: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be 1 to 64 letters, digits, ".", "-" or "_"')
    .describe('A word written into the file and kept as a trigger, so changing it replaces the marker.'),
  petLength: z.number().int().min(1).max(8).optional().describe('Words in the random pet name; default 2.'),
});

/** What the sandbox stack is made from. */
export type SandboxStackParams = z.output<typeof sandboxStackParams>;

/** What the service stack is made from, checked before anything is synthesized or run. */
export const serviceStackParams = z.object({
  directory: absoluteDirectory.describe(
    'Absolute directory the stack writes the settings file into (created by the local provider if missing).',
  ),
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, starting with a letter')
    .describe('The service name.'),
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lowercase letters, digits and dashes, starting with a letter')
    .describe('The environment (staging, production, ...).'),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .max(63)
    .describe('The Kubernetes namespace the service is deployed into.'),
  instanceId: z
    .string()
    .regex(/^i-[0-9a-f]+$/, 'must be an EC2 instance id (i-...)')
    .optional()
    .describe('The EC2 instance the service runs on, recorded in the settings.'),
  securityGroupId: z
    .string()
    .regex(/^sg-[0-9a-f]+$/, 'must be an EC2 security group id (sg-...)')
    .optional()
    .describe("The instance's security group, recorded in the settings."),
});

/** What the service stack is made from. */
export type ServiceStackParams = z.output<typeof serviceStackParams>;
