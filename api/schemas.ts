import { z } from 'zod';

/** RFC 9457 problem details, the one shape of every error answer. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    requestId: z.string(),
    errors: z
      .array(
        z.object({ in: z.enum(['body', 'query', 'path', 'header']), path: z.string(), message: z.string() }),
      )
      .optional(),
  })
  .meta({ id: 'Problem' });

export const idParams = z.object({ id: z.string().min(1).max(200) });
