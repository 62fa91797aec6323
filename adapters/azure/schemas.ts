import { z } from 'zod';

/** Resource group names as ARM takes them (the spec's pattern, and no trailing period). */
export const resourceGroupName = z
  .string()
  .min(1)
  .max(90)
  .regex(/^[-\w.()]*[-\w()]$/, 'letters, digits, _ - . ( ), not ending in a period');

/** Tags on Azure resources: at most 50, names up to 512 characters, values up to 256. */
export const tags = z
  .record(z.string().min(1).max(512), z.string().max(256))
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 tags')
  .default({});

/** How often a long-running operation is polled when Azure gives no Retry-After. */
export const pollSeconds = z.number().min(0.05).max(60).default(5);

/** A 404 from Resource Manager, whichever SDK generation threw it. */
export function isNotFound(error: unknown): boolean {
  return (error as { statusCode?: number })?.statusCode === 404;
}
