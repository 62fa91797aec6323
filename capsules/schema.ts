import { z } from 'zod';

const slug = z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be lowercase letters, digits and dashes');
const semver = z
  .string()
  .regex(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, 'must be a semantic version such as 1.2.0');

/** `tool.operation` (an adapter operation) or `capsule:<id>` (another capsule's steps). */
const uses = z
  .string()
  .regex(
    /^([a-z][a-z0-9-]*\.[A-Za-z][A-Za-z0-9]*|capsule:[a-z][a-z0-9-]*)$/,
    'must be "tool.operation" or "capsule:<id>"',
  );

export const stepSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9_-]{0,62}$/, 'must start with a lowercase letter (letters, digits, - and _)'),
    name: z.string().optional(),
    uses,
    /** Parameters; `${{ ... }}` expressions read `inputs`, `steps.<id>.output`, `tools.<id>.configured` and `item`. */
    with: z.record(z.string(), z.unknown()).default({}),
    needs: z.array(z.string()).default([]),
    /** An expression; the step is skipped when it is false. */
    if: z.string().optional(),
    /**
     * An expression giving a list; the step runs once per element, with the element as `item`.
     * The elements run in parallel, up to the project's parallelism; the output is the list of
     * the elements' outputs, in the elements' order.
     */
    forEach: z.string().optional(),
    /**
     * With `forEach`: at most this many elements at once (never more than the project's
     * parallelism allows). `1` runs them one after another, in order, for when order matters
     * (issues numbered as listed) or the service cannot take parallel calls.
     */
    concurrency: z.number().int().min(1).max(64).optional(),
    retry: z
      .object({
        maxAttempts: z.number().int().min(1).max(50).default(5),
        initialIntervalSeconds: z.number().min(0.1).max(3600).default(1),
        backoff: z.number().min(1).max(10).default(2),
      })
      .strict()
      .optional(),
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600)
      .optional(),
    /** Override of the operation's own compensation; `false` turns it off. */
    compensate: z
      .union([
        z.literal(false),
        z.object({ uses, with: z.record(z.string(), z.unknown()).default({}) }).strict(),
      ])
      .optional(),
  })
  .strict();

export const capsuleSchema = z
  .object({
    id: slug,
    version: semver,
    title: z.string().min(1).max(200),
    description: z.string().min(1).max(4000),
    tags: z.array(z.string().min(1)).default([]),
    /** The agent role that runs it (e.g. developer, release-manager, qa-analyst). */
    persona: z.string().min(1),
    /** JSON Schema of the capsule's inputs. */
    inputs: z
      .object({ type: z.literal('object'), properties: z.record(z.string(), z.unknown()).default({}) })
      .catchall(z.unknown())
      .default({ type: 'object', properties: {} }),
    /** Tools every run needs; tools used only under `if: tools.x.configured` are optional and not listed. */
    tools: z.array(z.string()).default([]),
    steps: z.array(stepSchema).min(1),
    policies: z
      .object({
        budget: z
          .object({ maxCalls: z.number().int().min(1).optional() })
          .strict()
          .default({}),
        requiresReview: z.boolean().default(false),
        allowedEnvironments: z.array(z.string()).default(['dev', 'staging', 'production']),
        /**
         * Remove what the project created this long after it completes (its compensations, in
         * reverse order): a number of hours, or an expression over the inputs (`${{ inputs.ttlHours }}`).
         */
        teardownAfterHours: z
          .union([
            z
              .number()
              .positive()
              .max(24 * 366),
            z.string().startsWith('${{'),
          ])
          .optional(),
      })
      .strict()
      .default({ budget: {}, requiresReview: false, allowedEnvironments: ['dev', 'staging', 'production'] }),
    outputs: z.record(z.string(), z.string()).default({}),
  })
  .strict();

export type Capsule = z.output<typeof capsuleSchema>;
export type CapsuleStep = z.output<typeof stepSchema>;

/** The published JSON Schema of a capsule document (GET /v1/capsules/schema). */
export const capsuleJsonSchema = () => z.toJSONSchema(capsuleSchema, { io: 'input' });
