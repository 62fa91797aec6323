import { existsSync } from 'node:fs';
import { z } from 'zod';
import { defineOperation, type OperationContext } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { TerraformClient } from './client.js';
import { readOutputs } from './outputs.js';
import { runTerraform } from './run-terraform.js';
import { lockTimeoutSeconds, outputValues, workspaceId } from './schemas.js';
import { ensureInitialized, hasState, openWorkspace } from './workspaces.js';

const operation = defineOperation<TerraformClient>();

const applyInput = z.object({
  workspaceId,
  plan: z
    .object({ path: z.string().min(1) })
    .optional()
    .describe(
      'A plan made by the plan operation in this workspace (pass its `plan` artifact): exactly that plan is applied, and it fails with a conflict if the state moved since. Without it, apply plans and applies in one step.',
    ),
  lockTimeoutSeconds,
});

const applyOutput = z.object({
  workspaceId,
  ...outputValues,
  resources: z
    .object({ added: z.number().int(), changed: z.number().int(), destroyed: z.number().int() })
    .optional()
    .describe("Terraform's apply summary; absent when the result was recovered from the state."),
  recovered: z
    .boolean()
    .optional()
    .describe('True when an interrupted earlier attempt had already applied everything.'),
});

const APPLY_SUMMARY = /Apply complete! Resources: (\d+) added, (\d+) changed, (\d+) destroyed/;

/**
 * After a crash the ledger cannot say how far the first attempt got, and a state holding
 * resources does not prove the apply finished: an interrupted apply leaves a partial state too.
 * So recovery asks Terraform: `plan -detailed-exitcode` exit 0 means the real resources already
 * match the configuration, and `terraform output -json` is the answer. Any pending change
 * returns nothing and the apply runs again, which Terraform makes convergent: it creates only
 * what the state lacks. (A saved plan is then stale and the retry fails with a conflict: re-plan.)
 */
async function recoverApply(
  context: OperationContext<TerraformClient>,
  input: z.output<typeof applyInput>,
): Promise<z.output<typeof applyOutput> | undefined> {
  const workspace = await openWorkspace(context, input.workspaceId);
  if (!hasState(workspace)) return undefined;
  await ensureInitialized(context, workspace);
  const check = await runTerraform(
    context,
    ['plan', '-input=false', '-no-color', '-detailed-exitcode', `-lock-timeout=${input.lockTimeoutSeconds}s`],
    { cwd: workspace.dir, phase: 'recover', okCodes: [0, 2] },
  );
  if (check.code !== 0) return undefined;
  return { workspaceId: workspace.id, ...(await readOutputs(context, workspace)), recovered: true };
}

export const applyOperations = {
  apply: operation({
    description:
      'terraform apply in a workspace: a saved plan from the plan operation, or plan and apply in one step. ' +
      'Returns the output values. Undone by destroy.',
    kind: 'write',
    // Applying the same configuration twice changes nothing the second time; a saved plan applies once.
    idempotent: false,
    input: applyInput,
    output: applyOutput,
    compensate: { operation: 'destroy', input: (input) => ({ workspaceId: input.workspaceId }) },
    recover: recoverApply,
    run: async (context, input) => {
      const workspace = await openWorkspace(context, input.workspaceId);
      await ensureInitialized(context, workspace);
      const lock = `-lock-timeout=${input.lockTimeoutSeconds}s`;
      let args: string[];
      if (input.plan) {
        // A plan made in another workspace, or before the last synth, would apply another configuration here.
        if (!workspace.meta.plans.includes(input.plan.path)) {
          throw new ToolError(
            'invalid_input',
            `plan ${input.plan.path} was not made in workspace ${workspace.id} since its last synth; run plan there`,
          );
        }
        const file = context.artifactPath(input.plan);
        if (!existsSync(file)) throw new ToolError('not_found', `plan file ${input.plan.path} is gone`);
        args = ['apply', '-input=false', '-no-color', lock, file];
      } else {
        args = ['apply', '-input=false', '-auto-approve', '-no-color', lock];
      }
      const { stdout } = await runTerraform(context, args, { cwd: workspace.dir, phase: 'apply' });
      const summary = APPLY_SUMMARY.exec(stdout);
      return {
        workspaceId: workspace.id,
        ...(await readOutputs(context, workspace)),
        ...(summary
          ? {
              resources: {
                added: Number(summary[1]),
                changed: Number(summary[2]),
                destroyed: Number(summary[3]),
              },
            }
          : {}),
      };
    },
  }),
};
