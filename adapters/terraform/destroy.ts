import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import type { TerraformClient } from './client.js';
import { runTerraform } from './run-terraform.js';
import { lockTimeoutSeconds, workspaceId } from './schemas.js';
import { ensureInitialized, hasState, openWorkspace } from './workspaces.js';

const operation = defineOperation<TerraformClient>();

const DESTROY_SUMMARY = /Resources: (\d+) destroyed/;

export const destroyOperations = {
  destroy: operation({
    description:
      'terraform destroy in a workspace: removes everything its state holds (the compensation of apply). ' +
      'The workspace stays, with an empty state, and can be applied again.',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ workspaceId, lockTimeoutSeconds }),
    output: z.object({ workspaceId, destroyed: z.number().int() }),
    run: async (context, input) => {
      const workspace = await openWorkspace(context, input.workspaceId);
      // Never applied: there is nothing to destroy, and no reason to start providers to find that out.
      if (!hasState(workspace)) return { workspaceId: workspace.id, destroyed: 0 };
      await ensureInitialized(context, workspace);
      const { stdout } = await runTerraform(
        context,
        [
          'destroy',
          '-input=false',
          '-auto-approve',
          '-no-color',
          `-lock-timeout=${input.lockTimeoutSeconds}s`,
        ],
        { cwd: workspace.dir, phase: 'destroy' },
      );
      return { workspaceId: workspace.id, destroyed: Number(DESTROY_SUMMARY.exec(stdout)?.[1] ?? 0) };
    },
  }),
};
