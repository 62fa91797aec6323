import { z } from 'zod';
import { stepSchema } from '../schema.js';

/**
 * What the LLM must answer: one library capsule with the inputs the brief states, or steps
 * composed from tool operations when no capsule fits. Sent as the `response_format` JSON Schema
 * and checked again here, since not every OpenAI-compatible server enforces it.
 */
export const llmAnswerSchema = z
  .object({
    rationale: z
      .string()
      .min(1)
      .max(4000)
      .describe('Why this capsule or these steps fit the brief, in one or two sentences'),
    capsule: z
      .string()
      .nullable()
      .describe('The id of the library capsule that covers the brief, or null when composing steps'),
    inputs: z
      .record(z.string(), z.unknown())
      .describe('Input values the brief states, by input name; leave out what the brief does not say'),
    steps: z
      .array(stepSchema)
      .min(1)
      .nullable()
      .describe('Steps composed from tool operations when no capsule fits; null when a capsule is chosen'),
  })
  .strict()
  .refine((answer) => (answer.capsule === null) !== (answer.steps === null), {
    message: 'exactly one of capsule and steps must be given',
    path: ['capsule'],
  });

export type LlmAnswer = z.output<typeof llmAnswerSchema>;

/** The JSON Schema of the answer, as the chat completions `response_format` carries it. */
export const llmAnswerJsonSchema = () =>
  z.toJSONSchema(llmAnswerSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
