import path from 'node:path';
import { LocalProvider } from '@cdktf/provider-local/lib/provider/index.js';
import { File } from '@cdktf/provider-local/lib/file/index.js';
import { NullProvider } from '@cdktf/provider-null/lib/provider/index.js';
import { Resource } from '@cdktf/provider-null/lib/resource/index.js';
import { RandomProvider } from '@cdktf/provider-random/lib/provider/index.js';
import { Id } from '@cdktf/provider-random/lib/id/index.js';
import { Pet } from '@cdktf/provider-random/lib/pet/index.js';
import { Fn, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { SandboxStackParams } from './params.js';

export { absoluteDirectory, sandboxStackParams, type SandboxStackParams } from './params.js';

/** The names of the sandbox stack's outputs, as `terraform output -json` reports them. */
export interface SandboxStackOutputs {
  pet_name: string;
  suffix_hex: string;
  file_path: string;
  marker_id: string;
}

/**
 * Version constraints the sandbox stack accepts, overriding the exact versions the prebuilt
 * bindings pin (null 3.2.4, random 3.7.2, local 2.6.1, the versions they were generated from).
 * The offline mirror of scripts/setup/terraform.sh has null 2.1.2, random 3.6.3 and local 1.4.0,
 * the newest upstream releases the Go module proxy serves; this stack uses only arguments and
 * attributes that all of these versions have (random_pet, random_id, null_resource.triggers,
 * local_file filename/content/file_permission/directory_permission).
 */
export const sandboxProviderConstraints = {
  null: '>= 2.1.2, < 4.0.0',
  random: '>= 3.6.3, < 4.0.0',
  local: '>= 1.4.0, < 3.0.0',
} as const;

/**
 * A small stack that needs no cloud: a random pet name and a random hex suffix, a null_resource
 * whose triggers carry them, and a local file holding them. State stays in `terraform.tfstate`
 * next to the synthesized configuration (the working directory Terraform runs in).
 */
export class SandboxStack extends TerraformStack {
  constructor(scope: Construct, id: string, params: SandboxStackParams) {
    super(scope, id);
    if (!path.isAbsolute(params.directory)) {
      throw new Error(`sandbox stack: directory must be absolute, got ${params.directory}`);
    }
    new LocalBackend(this, { path: 'terraform.tfstate' });
    new RandomProvider(this, 'random');
    new NullProvider(this, 'null');
    new LocalProvider(this, 'local');
    for (const [name, constraint] of Object.entries(sandboxProviderConstraints)) {
      this.addOverride(`terraform.required_providers.${name}.version`, constraint);
    }

    const pet = new Pet(this, 'pet', { length: params.petLength ?? 2, keepers: { label: params.label } });
    const suffix = new Id(this, 'suffix', { byteLength: 4, keepers: { label: params.label } });
    const marker = new Resource(this, 'marker', {
      triggers: { label: params.label, pet: pet.id, suffix: suffix.hex },
    });
    const file = new File(this, 'file', {
      filename: path.join(params.directory, `${id}.json`),
      content: Fn.jsonencode({ stack: id, label: params.label, pet: pet.id, suffix: suffix.hex }),
      filePermission: '0644',
      directoryPermission: '0755',
    });

    new TerraformOutput(this, 'pet_name', { value: pet.id });
    new TerraformOutput(this, 'suffix_hex', { value: suffix.hex });
    new TerraformOutput(this, 'file_path', { value: file.filename });
    new TerraformOutput(this, 'marker_id', { value: marker.id });
  }
}
