import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { TerraformClient } from './client.js';
import { runTerraform } from './run-terraform.js';
import { artifactRef, changeCounts, lockTimeoutSeconds, workspaceId } from './schemas.js';
import { ensureInitialized, openWorkspace, recordPlan } from './workspaces.js';

const operation = defineOperation<TerraformClient>();

/** The part of `terraform show -json <plan>` the counts come from. */
interface PlanJson {
  resource_changes?: { address: string; change: { actions: string[] } }[];
}

/** Longest list of resource changes returned inline; the plan JSON artifact has them all. */
const LISTED_CHANGES = 200;

/** Counts as Terraform's "Plan: N to add, N to change, N to destroy." line does. */
export function countChanges(plan: PlanJson): z.output<typeof changeCounts> {
  const counts = { add: 0, change: 0, destroy: 0 };
  for (const { change } of plan.resource_changes ?? []) {
    if (change.actions.includes('create')) counts.add += 1;
    if (change.actions.includes('delete')) counts.destroy += 1;
    if (change.actions.includes('update')) counts.change += 1;
  }
  return counts;
}

export const planOperations = {
  plan: operation({
    description:
      'terraform init and plan -out in a workspace. The plan file and its JSON (terraform show -json) are kept as ' +
      'artifacts; pass `plan` to apply to apply exactly this plan.',
    kind: 'read',
    idempotent: true,
    input: z.object({ workspaceId, lockTimeoutSeconds }),
    output: z.object({
      workspaceId,
      plan: artifactRef.describe('The binary plan file, for apply.'),
      planJson: artifactRef.describe('terraform show -json of the plan, for review.'),
      changes: changeCounts,
      resourceChanges: z.array(z.object({ address: z.string(), actions: z.array(z.string()) })),
    }),
    run: async (context, input) => {
      const workspace = await openWorkspace(context, input.workspaceId);
      await ensureInitialized(context, workspace);
      // A name of its own per call: two plans in one workspace never overwrite each other's file.
      const file = path.join(workspace.dir, `.plan-${randomUUID()}.tfplan`);
      try {
        await runTerraform(
          context,
          ['plan', '-input=false', '-no-color', `-lock-timeout=${input.lockTimeoutSeconds}s`, `-out=${file}`],
          { cwd: workspace.dir, phase: 'plan' },
        );
        const shown = await runTerraform(context, ['show', '-json', '-no-color', file], {
          cwd: workspace.dir,
          phase: 'show',
          quiet: true,
        });
        let planJson: PlanJson;
        try {
          planJson = JSON.parse(shown.stdout) as PlanJson;
        } catch {
          throw new ToolError(
            'invalid_input',
            `terraform show -json printed no JSON for the plan in workspace ${workspace.id}`,
          );
        }
        const plan = await context.saveArtifact(
          `${workspace.id}.tfplan`,
          await readFile(file),
          'application/octet-stream',
        );
        const json = await context.saveArtifact(
          `${workspace.id}.plan.json`,
          shown.stdout,
          'application/json',
        );
        await recordPlan(workspace, plan.path);
        return {
          workspaceId: workspace.id,
          plan,
          planJson: json,
          changes: countChanges(planJson),
          resourceChanges: (planJson.resource_changes ?? [])
            .filter(
              ({ change }) => !change.actions.every((action) => action === 'no-op' || action === 'read'),
            )
            .slice(0, LISTED_CHANGES)
            .map(({ address, change }) => ({ address, actions: change.actions })),
        };
      } finally {
        await rm(file, { force: true });
      }
    },
  }),
};
