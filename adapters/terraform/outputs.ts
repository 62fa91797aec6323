import { z } from 'zod';
import { defineOperation, type OperationContext } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { TerraformClient } from './client.js';
import { runTerraform } from './run-terraform.js';
import { outputValues, workspaceId } from './schemas.js';
import { ensureInitialized, hasState, openWorkspace, type Workspace } from './workspaces.js';

const operation = defineOperation<TerraformClient>();

/** The workspace's outputs from `terraform output -json`, without sensitive values; empty before any apply. */
export async function readOutputs(
  context: OperationContext<TerraformClient>,
  workspace: Workspace,
): Promise<{ outputs: Record<string, unknown>; sensitiveOutputs: string[] }> {
  if (!hasState(workspace)) return { outputs: {}, sensitiveOutputs: [] };
  await ensureInitialized(context, workspace);
  const { stdout } = await runTerraform(context, ['output', '-json', '-no-color'], {
    cwd: workspace.dir,
    phase: 'output',
    quiet: true,
  });
  let raw: Record<string, { value: unknown; sensitive?: boolean }>;
  try {
    raw = JSON.parse(stdout) as typeof raw;
  } catch {
    throw new ToolError(
      'invalid_input',
      `terraform output -json printed no JSON in workspace ${workspace.id}`,
    );
  }
  const outputs: Record<string, unknown> = {};
  const sensitiveOutputs: string[] = [];
  for (const [name, output] of Object.entries(raw)) {
    if (output.sensitive) sensitiveOutputs.push(name);
    else outputs[name] = output.value;
  }
  return { outputs, sensitiveOutputs };
}

export const outputOperations = {
  output: operation({
    description:
      "The workspace's output values (terraform output -json) from its state; empty before the first apply. " +
      'Sensitive outputs are named, not returned.',
    kind: 'read',
    idempotent: true,
    input: z.object({ workspaceId }),
    output: z.object({ workspaceId, ...outputValues }),
    run: async (context, input) => {
      const workspace = await openWorkspace(context, input.workspaceId);
      return { workspaceId: workspace.id, ...(await readOutputs(context, workspace)) };
    },
  }),
};
