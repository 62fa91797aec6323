import { z } from 'zod';

/** Compute Engine resource names (RFC 1035 labels), as the API's path patterns require. */
const resourceName = /^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$/;

/** A zone, such as europe-west1-b. */
export const zoneName = z.string().regex(resourceName, 'a zone such as europe-west1-b');
/** An instance name. */
export const instanceName = z
  .string()
  .regex(resourceName, 'lower-case letters, digits and -, starting with a letter, at most 63');

/** Instance labels: at most 64, keys and values lower-case letters, digits, _ and -. */
export const labels = z
  .record(
    z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a label key: lower-case, starting with a letter'),
    z.string().regex(/^[a-z0-9_-]{0,63}$/, 'a label value: lower-case letters, digits, _ and -'),
  )
  .refine((value) => Object.keys(value).length <= 64, 'at most 64 labels')
  .default({});
