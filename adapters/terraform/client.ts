import { z } from 'zod';
import {
  resolveTerraformToolchain,
  terraformSetupHint,
  type TerraformToolchain,
} from '../../infra/terraform-toolchain.js';
import { ToolError } from '../core/errors.js';

/**
 * Nothing is required: with no settings at all the adapter runs the CLI and the provider mirror
 * that scripts/setup/terraform.sh builds into .tools/terraform. These are deployment settings
 * (paths on the worker), not secrets.
 */
export const terraformCredentials = z.object({
  /** A terraform or tofu executable to use instead of the built one. */
  cli: z.string().min(1).optional(),
  /** A CLI config (provider mirror or registry access) to use instead of the built one. */
  cliConfig: z.string().min(1).optional(),
  /** Where workspaces live, one directory per tenant inside; default: under the tenant's artifacts. */
  workspacesDir: z.string().min(1).optional(),
});
export type TerraformCredentials = z.output<typeof terraformCredentials>;

/** What every operation gets: the CLI with its environment, and where workspaces go. */
export interface TerraformClient {
  toolchain: TerraformToolchain;
  /** The environment every run of the CLI gets (built once: it does not change per call). */
  env: NodeJS.ProcessEnv;
  workspacesDir?: string;
}

/**
 * Ambient TF_* variables are dropped: TF_CLI_ARGS, TF_DATA_DIR, TF_WORKSPACE or TF_VAR_* on one
 * worker would make the same workspace behave differently there, and TF_CLI_CONFIG_FILE on
 * these machines names a file that does not exist. The toolchain supplies what Terraform needs.
 */
export function terraformEnv(
  toolchain: TerraformToolchain,
  ambient: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const kept = Object.entries(ambient).filter(([name]) => !name.startsWith('TF_'));
  return { ...Object.fromEntries(kept), ...toolchain.env };
}

/** Finds the CLI and its offline config; a missing toolchain is a setup mistake, with the command that fixes it. */
export function connectTerraform(credentials: TerraformCredentials): TerraformClient {
  let toolchain: TerraformToolchain;
  try {
    toolchain = resolveTerraformToolchain({
      env: {
        PATH: process.env.PATH,
        TERRAFORM_CLI: credentials.cli,
        TERRAFORM_CLI_CONFIG: credentials.cliConfig,
      },
    });
  } catch (error) {
    const message = (error as Error).message;
    // Every way of missing the toolchain should end with the command that provides one.
    const hint = message.includes('scripts/setup/terraform.sh')
      ? ''
      : `; for the built toolchain ${terraformSetupHint}`;
    throw new ToolError('invalid_input', `${message}${hint}`, { tool: 'terraform' });
  }
  return {
    toolchain,
    env: terraformEnv(toolchain),
    ...(credentials.workspacesDir ? { workspacesDir: credentials.workspacesDir } : {}),
  };
}
