import { z } from 'zod';

/** One plain path segment: workspaces are directories, and ids come from tool calls. */
export const workspaceId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'must be 1 to 63 lowercase letters, digits or "-", starting with a letter or digit',
  )
  .describe('A workspace made by synth: one directory with the configuration and its local state.');

/** How long to wait for another run's state lock before failing with a conflict. */
export const lockTimeoutSeconds = z.number().int().min(0).max(600).default(60);

/** A file saved with `saveArtifact`, passed by reference (plans and configurations stay out of Temporal payloads). */
export const artifactRef = z.object({
  id: z.string(),
  name: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  path: z.string(),
});

/** Counted as Terraform's own summary counts them: a replacement is one add and one destroy. */
export const changeCounts = z.object({
  add: z.number().int(),
  change: z.number().int(),
  destroy: z.number().int(),
});

/**
 * Output values by name. Sensitive ones are left out (named in `sensitiveOutputs`): outputs
 * travel in Temporal payloads and the side-effect ledger.
 */
export const outputValues = {
  outputs: z.record(z.string(), z.unknown()),
  sensitiveOutputs: z.array(z.string()),
};
