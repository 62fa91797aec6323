import { runCommand } from '../../core/system/run-command.js';
import { defineAdapter } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import { applyOperations } from './apply.js';
import { connectTerraform, terraformCredentials, type TerraformClient } from './client.js';
import { destroyOperations } from './destroy.js';
import { lastLines } from './failures.js';
import { outputOperations } from './outputs.js';
import { planOperations } from './plan.js';
import { synthOperations } from './synthesize.js';

/**
 * Terraform stacks from infra/'s registry, run by the real CLI: synth → plan → apply → output,
 * and destroy to undo. It needs no credentials: by default it runs the CLI and the provider
 * mirror that scripts/setup/terraform.sh builds (TERRAFORM_CLI / TERRAFORM_CLI_CONFIG choose
 * others). Stacks are chosen by name and parameters only; cdktf stays behind infra/synth.ts.
 *
 * Workspaces: one directory per (tenant, workspace id), by default under the tenant's artifacts
 * (`<artifacts>/<tenant>/terraform/workspaces/<id>`), or under TERRAFORM_WORKSPACES_DIR. The
 * state stays local in that directory, so a workspace lives on one machine's disk. A production
 * deployment with several worker hosts needs a remote backend (S3 with locking, Terraform Cloud,
 * Postgres) in the stacks and a shared workspaces directory; neither is configured here.
 *
 * Apply after a crash: see recoverApply in apply.ts. In short, a state with resources is not
 * proof that the apply finished, so `plan -detailed-exitcode` decides before `output -json`
 * answers.
 */
export const terraformAdapter = defineAdapter({
  id: 'terraform',
  title: 'Terraform (CLI, local state)',
  credentials: {
    schema: terraformCredentials,
    env: {
      cli: 'TERRAFORM_CLI',
      cliConfig: 'TERRAFORM_CLI_CONFIG',
      workspacesDir: 'TERRAFORM_WORKSPACES_DIR',
    },
    secret: [],
  },
  connect: (credentials) => connectTerraform(credentials),
  testConnection: async (client: TerraformClient) => {
    const result = await runCommand(client.toolchain.binary, ['version', '-json'], { env: client.env });
    const version = (() => {
      try {
        return (JSON.parse(result.stdout) as { terraform_version?: unknown }).terraform_version;
      } catch {
        return undefined;
      }
    })();
    if (result.code !== 0 || typeof version !== 'string') {
      throw new ToolError(
        'invalid_input',
        `${client.toolchain.binary} version -json did not report a version (exit ${result.code}): ${lastLines(result.stderr || result.stdout)}`,
      );
    }
  },
  operations: {
    ...synthOperations,
    ...planOperations,
    ...applyOperations,
    ...outputOperations,
    ...destroyOperations,
  },
});
