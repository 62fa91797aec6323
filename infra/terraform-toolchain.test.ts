import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, type CommandResult } from '../core/system/run-command.js';
import { ensureTerraformToolchain } from './ensure-terraform-toolchain.js';
import { sandboxProviderConstraints, type SandboxStackOutputs } from './stacks/sandbox-stack.js';
import { stackConfigFileName, synthStack } from './synth.js';
import {
  resolveTerraformToolchain,
  terraformToolsDir,
  type TerraformToolchain,
} from './terraform-toolchain.js';

describe('resolveTerraformToolchain', () => {
  let empty: string;
  beforeAll(() => {
    empty = mkdtempSync(path.join(os.tmpdir(), 'terraform-tools-empty-'));
  });
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('names the setup script when there is no CLI at all', () => {
    expect(() => resolveTerraformToolchain({ toolsDir: empty, env: { PATH: empty } })).toThrow(
      /No Terraform CLI.*bash scripts\/setup\/terraform\.sh/,
    );
  });

  it('names the setup script when the CLI is there but the offline config is not', () => {
    const cli = path.join(empty, 'bin', 'terraform');
    mkdirSync(path.dirname(cli), { recursive: true });
    writeFileSync(cli, '#!/bin/sh\n', { mode: 0o755 });
    expect(() => resolveTerraformToolchain({ toolsDir: empty, env: { PATH: '' } })).toThrow(
      /No Terraform CLI config at .*terraformrc.*bash scripts\/setup\/terraform\.sh/,
    );
  });

  it('names TERRAFORM_CLI and TERRAFORM_CLI_CONFIG when they point at nothing', () => {
    const missing = path.join(empty, 'missing');
    expect(() => resolveTerraformToolchain({ toolsDir: empty, env: { TERRAFORM_CLI: missing } })).toThrow(
      /TERRAFORM_CLI=.*missing is not an executable file/,
    );
    expect(() =>
      resolveTerraformToolchain({
        toolsDir: empty,
        env: { TERRAFORM_CLI: '/bin/sh', TERRAFORM_CLI_CONFIG: missing },
      }),
    ).toThrow(/TERRAFORM_CLI_CONFIG=.*missing does not exist/);
  });

  it('prefers TERRAFORM_CLI, then the built CLI, and always sets the offline environment', () => {
    const rc = path.join(empty, 'terraformrc');
    writeFileSync(rc, 'disable_checkpoint = true\n');
    const built = resolveTerraformToolchain({
      toolsDir: empty,
      env: { PATH: '', TF_CLI_CONFIG_FILE: '/elsewhere' },
    });
    expect(built).toEqual({
      binary: path.join(empty, 'bin', 'terraform'),
      env: { TF_CLI_CONFIG_FILE: rc, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
    });
    expect(resolveTerraformToolchain({ toolsDir: empty, env: { TERRAFORM_CLI: '/bin/sh' } }).binary).toBe(
      '/bin/sh',
    );
  });
});

/** The sandbox stack (random + null + local) synthesized by cdktf and run by the real CLI offline. */
describe('sandbox stack through terraform, offline', () => {
  let tf: TerraformToolchain;
  let work: string;
  let stackDir: string;
  let filesDir: string;
  const label = 'toolchain-test';

  /** Runs the CLI in the stack directory; fails with its output unless it exits with one of `codes`. */
  const terraform = async (args: string[], codes: number[] = [0]): Promise<CommandResult> => {
    const result = await runCommand(tf.binary, [...args, '-no-color'], {
      cwd: stackDir,
      env: { ...process.env, ...tf.env },
    });
    if (!codes.includes(result.code)) {
      throw new Error(
        `terraform ${args.join(' ')} exited with ${result.code}\n${result.stderr}\n${result.stdout}`,
      );
    }
    return result;
  };

  beforeAll(async () => {
    tf = await ensureTerraformToolchain();
    work = mkdtempSync(path.join(os.tmpdir(), 'terraform-toolchain-'));
    filesDir = path.join(work, 'files');
  }, 30 * 60_000);

  afterAll(async () => {
    // Leave nothing behind even when a step failed half-way.
    if (tf && stackDir && existsSync(path.join(stackDir, 'terraform.tfstate'))) {
      await runCommand(tf.binary, ['destroy', '-auto-approve', '-no-color'], {
        cwd: stackDir,
        env: { ...process.env, ...tf.env },
      });
    }
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('synthesizes Terraform JSON without the cdktf CLI', () => {
    stackDir = synthStack('sandbox', { directory: filesDir, label }, path.join(work, 'cdktf.out'));
    expect(stackDir).toBe(path.join(work, 'cdktf.out', 'stacks', 'sandbox'));
    const config = JSON.parse(readFileSync(path.join(stackDir, stackConfigFileName), 'utf8'));
    expect(Object.keys(config.resource).sort()).toEqual([
      'local_file',
      'null_resource',
      'random_id',
      'random_pet',
    ]);
    expect(config.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
    for (const [name, constraint] of Object.entries(sandboxProviderConstraints)) {
      expect(config.terraform.required_providers[name].version).toBe(constraint);
    }
    expect(config.resource.local_file.file.filename).toBe(path.join(filesDir, 'sandbox.json'));
    expect(Object.keys(config.output).sort()).toEqual(['file_path', 'marker_id', 'pet_name', 'suffix_hex']);
  });

  it('init installs the three providers from the local mirror', async () => {
    const started = performance.now();
    const { stdout } = await terraform(['init', '-input=false']);
    console.info(`terraform init ${((performance.now() - started) / 1000).toFixed(1)}s with ${tf.binary}`);
    expect(stdout).toContain('Terraform has been successfully initialized');
    const lock = readFileSync(path.join(stackDir, '.terraform.lock.hcl'), 'utf8');
    for (const name of ['null', 'random', 'local']) {
      expect(lock).toMatch(
        new RegExp(
          `provider "registry\\.terraform\\.io/hashicorp/${name}" \\{\\s+version\\s+= "\\d+\\.\\d+\\.\\d+"`,
        ),
      );
    }
    if (tf.env.TF_CLI_CONFIG_FILE === path.join(terraformToolsDir, 'terraformrc')) {
      // The versions chosen are the ones in our mirror, not anything from a registry.
      const mirror = path.join(terraformToolsDir, 'providers', 'registry.terraform.io', 'hashicorp');
      for (const match of lock.matchAll(
        /provider "registry\.terraform\.io\/hashicorp\/(\w+)" \{\s+version\s+= "([^"]+)"/g,
      )) {
        expect(
          existsSync(path.join(mirror, match[1]!, match[2]!)),
          `${match[1]} ${match[2]} in ${mirror}`,
        ).toBe(true);
      }
    }
  }, 120_000);

  it('plan -out shows four resources to create and nothing else', async () => {
    await terraform(['plan', '-input=false', '-out=tfplan']);
    const { stdout } = await terraform(['show', '-json', 'tfplan']);
    const plan = JSON.parse(stdout) as {
      resource_changes: { address: string; change: { actions: string[] } }[];
    };
    const changes = plan.resource_changes.map((c) => `${c.address}:${c.change.actions.join('+')}`).sort();
    expect(changes).toEqual([
      'local_file.file:create',
      'null_resource.marker:create',
      'random_id.suffix:create',
      'random_pet.pet:create',
    ]);
    expect(existsSync(filesDir)).toBe(false);
  }, 120_000);

  it('apply creates the file, output -json reports what was made, and a second plan is empty', async () => {
    await terraform(['apply', '-input=false', '-auto-approve', 'tfplan']);
    const { stdout } = await terraform(['output', '-json']);
    const raw = JSON.parse(stdout) as Record<keyof SandboxStackOutputs, { value: string; type: string }>;
    const out = Object.fromEntries(
      Object.entries(raw).map(([k, v]) => [k, v.value]),
    ) as unknown as SandboxStackOutputs;

    expect(out.pet_name).toMatch(/^[a-z]+-[a-z]+$/);
    expect(out.suffix_hex).toMatch(/^[0-9a-f]{8}$/);
    expect(out.marker_id).toMatch(/^\d+$/);
    expect(out.file_path).toBe(path.join(filesDir, 'sandbox.json'));
    expect(JSON.parse(readFileSync(out.file_path, 'utf8'))).toEqual({
      stack: 'sandbox',
      label,
      pet: out.pet_name,
      suffix: out.suffix_hex,
    });

    // -detailed-exitcode: 0 means the real state matches the configuration, 2 would mean drift.
    const again = await terraform(['plan', '-input=false', '-detailed-exitcode'], [0, 2]);
    expect(again.code, again.stdout).toBe(0);
  }, 120_000);

  it('destroy removes the file and empties the state', async () => {
    const { stdout } = await terraform(['destroy', '-input=false', '-auto-approve']);
    expect(stdout).toMatch(/Destroy complete! Resources: 4 destroyed/);
    expect(existsSync(path.join(filesDir, 'sandbox.json'))).toBe(false);
    const list = await terraform(['state', 'list']);
    expect(list.stdout.trim()).toBe('');
  }, 120_000);
});
