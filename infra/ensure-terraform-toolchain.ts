import path from 'node:path';
import { packageRoot } from '../core/paths.js';
import { runChecked } from '../core/system/run-command.js';
import {
  resolveTerraformToolchain,
  type ResolveTerraformOptions,
  type TerraformToolchain,
} from './terraform-toolchain.js';

/** Builds the CLI and the provider mirror into .tools/terraform (idempotent, locked against concurrent runs). */
export const terraformSetupScript = path.join(packageRoot, 'scripts', 'setup', 'terraform.sh');

/**
 * The toolchain, building it with scripts/setup/terraform.sh first when this machine has none
 * (6 to 11 minutes cold on 2 cores, instant afterwards). For tests and setup commands: a worker
 * only resolves, because a tool call must not wait minutes for a compiler.
 */
export async function ensureTerraformToolchain(
  options: ResolveTerraformOptions & { log?: (message: string) => void } = {},
): Promise<TerraformToolchain> {
  try {
    return resolveTerraformToolchain(options);
  } catch (error) {
    (options.log ?? console.info)(
      `terraform toolchain missing (${(error as Error).message}); running ${terraformSetupScript}`,
    );
    await runChecked('bash', [terraformSetupScript]);
    return resolveTerraformToolchain(options);
  }
}
