import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../core/paths.js';

/** Where scripts/setup/terraform.sh puts the CLI, the provider mirror and the CLI config. */
export const terraformToolsDir = path.join(packageRoot, '.tools', 'terraform');

/** What to run when the toolchain is missing, for error messages. */
export const terraformSetupHint =
  'run `bash scripts/setup/terraform.sh` (builds Terraform and the null, local and random providers ' +
  'from the Go module proxy into .tools/terraform; 6 to 11 minutes the first time, instant afterwards)';

/** A Terraform (or OpenTofu) CLI and the environment to run it without the network. */
export interface TerraformToolchain {
  /** Absolute path of the `terraform` or `tofu` executable. */
  binary: string;
  /**
   * Variables to set over `process.env` (which still supplies PATH and HOME) for every run of
   * `binary`: the CLI config that installs providers from the local mirror, no checkpoint
   * (version check) calls, automation-friendly output, no prompts.
   */
  env: Record<string, string>;
}

export interface ResolveTerraformOptions {
  /** Where to look for the setup script's output; default `.tools/terraform` in this package. */
  toolsDir?: string;
  /** The environment to read `TERRAFORM_CLI`, `TERRAFORM_CLI_CONFIG` and PATH from; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds the CLI: `TERRAFORM_CLI` if set, else `.tools/terraform/bin/terraform`, else `terraform`
 * or `tofu` on PATH. The CLI config is `TERRAFORM_CLI_CONFIG` if set (a deployment with its own
 * mirror or registry access), else `.tools/terraform/terraformrc`, which installs hashicorp/*
 * providers from the mirror that scripts/setup/terraform.sh builds and never from the network.
 * An ambient `TF_CLI_CONFIG_FILE` is deliberately overridden: these machines set it to a file
 * that does not exist. Throws, naming the setup script, when the CLI or the config is missing.
 */
export function resolveTerraformToolchain(options: ResolveTerraformOptions = {}): TerraformToolchain {
  const toolsDir = options.toolsDir ?? terraformToolsDir;
  const env = options.env ?? process.env;
  const binary = findBinary(toolsDir, env);
  let cliConfig: string;
  if (env.TERRAFORM_CLI_CONFIG) {
    cliConfig = path.resolve(env.TERRAFORM_CLI_CONFIG);
    if (!existsSync(cliConfig))
      throw new Error(`TERRAFORM_CLI_CONFIG=${env.TERRAFORM_CLI_CONFIG} does not exist`);
  } else {
    cliConfig = path.join(toolsDir, 'terraformrc');
    if (!existsSync(cliConfig)) {
      throw new Error(
        `No Terraform CLI config at ${cliConfig}, so providers cannot be installed offline: ${terraformSetupHint}`,
      );
    }
  }
  return {
    binary,
    env: {
      TF_CLI_CONFIG_FILE: cliConfig,
      CHECKPOINT_DISABLE: '1',
      TF_IN_AUTOMATION: '1',
      TF_INPUT: '0',
    },
  };
}

function findBinary(toolsDir: string, env: NodeJS.ProcessEnv): string {
  if (env.TERRAFORM_CLI) {
    const resolved = path.resolve(env.TERRAFORM_CLI);
    if (!isExecutable(resolved))
      throw new Error(`TERRAFORM_CLI=${env.TERRAFORM_CLI} is not an executable file`);
    return resolved;
  }
  const built = path.join(toolsDir, 'bin', 'terraform');
  if (isExecutable(built)) return built;
  for (const name of ['terraform', 'tofu']) {
    const found = onPath(name, env.PATH ?? '');
    if (found) return found;
  }
  throw new Error(
    `No Terraform CLI: none in ${path.dirname(built)}, no terraform or tofu on PATH, TERRAFORM_CLI unset; ${terraformSetupHint}`,
  );
}

function onPath(name: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
