import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { isStackName, stackCatalog, stackNames } from '../../infra/stacks/catalog.js';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { TerraformClient } from './client.js';
import { artifactRef, workspaceId } from './schemas.js';
import { stackSynth } from './sdk.js';
import { CONFIG_FILE, createWorkspaceDir, readMeta, workspaceDir, writeMeta } from './workspaces.js';

const operation = defineOperation<TerraformClient>();

const stackList = Object.entries(stackCatalog)
  .map(([name, definition]) => `${name}: ${definition.description}`)
  .join(' ');

/** `type.name` of every resource in a synthesized configuration, for review before planning. */
function resourceAddresses(config: string): string[] {
  const parsed = JSON.parse(config) as { resource?: Record<string, Record<string, unknown>> };
  return Object.entries(parsed.resource ?? {}).flatMap(([type, byName]) =>
    Object.keys(byName).map((name) => `${type}.${name}`),
  );
}

export const synthOperations = {
  synth: operation({
    description:
      'Synthesize a registered stack (by name, with its parameters) to Terraform JSON in a workspace, and keep ' +
      `the JSON as an artifact. Synthesizing again into an existing workspace keeps its state. Stacks: ${stackList}`,
    kind: 'read',
    // Without a workspaceId every call opens a new workspace; with one, calling twice is calling once.
    idempotent: false,
    input: z
      .object({
        stack: z.enum(stackNames),
        params: z
          .record(z.string(), z.unknown())
          .describe("The stack's parameters, checked against its schema."),
        workspaceId: workspaceId
          .optional()
          .describe('Synthesize into this workspace (its state is kept); default: a new one.'),
      })
      .superRefine((input, issues) => {
        // Parameters are checked here, in the input schema, so a bad call fails before anything runs.
        if (!isStackName(input.stack) || typeof input.params !== 'object') return;
        const params: z.ZodType = stackCatalog[input.stack].params;
        const parsed = params.safeParse(input.params);
        if (parsed.success) return;
        for (const issue of parsed.error.issues) {
          issues.addIssue({ code: 'custom', path: ['params', ...issue.path], message: issue.message });
        }
      }),
    output: z.object({
      workspaceId,
      stack: z.string(),
      config: artifactRef.describe('The synthesized Terraform JSON.'),
      resources: z.array(z.string()).describe('Addresses of the resources the configuration declares.'),
    }),
    run: async (context, input) => {
      const { StackParamsError, stackConfigFileName, synthNamedStack } = await stackSynth();
      const id = input.workspaceId ?? `ws-${randomUUID()}`;
      const dir = workspaceDir(context, id);
      const existing = await readMeta(dir);
      if (existing && existing.stack !== input.stack) {
        throw new ToolError('conflict', `workspace ${id} holds stack ${existing.stack}, not ${input.stack}`);
      }
      await createWorkspaceDir(dir);
      // cdktf writes a whole output tree; only the stack's JSON is kept, moved in at once.
      const scratch = await mkdtemp(path.join(dir, '.synth-'));
      let config: string;
      try {
        const stackDir = synthNamedStack(input.stack, input.params, scratch);
        config = await readFile(path.join(stackDir, stackConfigFileName), 'utf8');
        await rename(path.join(stackDir, stackConfigFileName), path.join(dir, CONFIG_FILE));
      } catch (error) {
        if (error instanceof StackParamsError) throw new ToolError('invalid_input', error.message);
        // The constructs are code of ours run on validated input: the same call would fail again.
        throw new ToolError(
          'invalid_input',
          `synthesizing stack ${input.stack} failed: ${(error as Error).message}`,
        );
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
      // Plans made from the previous configuration must not be applied over the new one.
      await writeMeta(dir, {
        stack: input.stack,
        params: input.params,
        synthesizedAt: new Date().toISOString(),
        plans: [],
      });
      const ref = await context.saveArtifact(`${id}.tf.json`, config, 'application/json');
      return { workspaceId: id, stack: input.stack, config: ref, resources: resourceAddresses(config) };
    },
  }),
};
