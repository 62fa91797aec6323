import path from 'node:path';
import { File } from '@cdktf/provider-local/lib/file/index.js';
import { LocalProvider } from '@cdktf/provider-local/lib/provider/index.js';
import { Id } from '@cdktf/provider-random/lib/id/index.js';
import { Password } from '@cdktf/provider-random/lib/password/index.js';
import { RandomProvider } from '@cdktf/provider-random/lib/provider/index.js';
import { Fn, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { z } from 'zod';
import { absoluteDirectory, sandboxProviderConstraints } from './sandbox-stack.js';

/** What the service stack is made from, checked before anything is synthesized or run. */
export const serviceStackParams = z.object({
  directory: absoluteDirectory.describe(
    'Absolute directory the stack writes the settings file into (created by the local provider if missing).',
  ),
  service: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes, starting with a letter')
    .describe('The service name.'),
  environment: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be lowercase letters, digits and dashes, starting with a letter')
    .describe('The environment (staging, production, ...).'),
  namespace: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .max(63)
    .describe('The Kubernetes namespace the service is deployed into.'),
  instanceId: z
    .string()
    .regex(/^i-[0-9a-f]+$/, 'must be an EC2 instance id (i-...)')
    .optional()
    .describe('The EC2 instance the service runs on, recorded in the settings.'),
  securityGroupId: z
    .string()
    .regex(/^sg-[0-9a-f]+$/, 'must be an EC2 security group id (sg-...)')
    .optional()
    .describe("The instance's security group, recorded in the settings."),
});

/** What the service stack is made from. */
export type ServiceStackParams = z.output<typeof serviceStackParams>;

/** The names of the service stack's outputs, as `terraform output -json` reports them. */
export interface ServiceStackOutputs {
  deployment_id: string;
  database_name: string;
  database_user: string;
  /** Sensitive: `terraform output -raw database_password` in the workspace; never in the adapter's answer. */
  database_password: string;
  settings_path: string;
}

/** A Postgres identifier (lowercase, underscores, at most 63 bytes) from dashed names. */
export const postgresIdentifier = (...parts: string[]) => parts.join('_').replace(/-/g, '_').slice(0, 63);

/**
 * The settings of one environment of a backend service, kept by Terraform: a deployment id and the
 * Postgres database's credentials (name, user, and a generated password that stays in the state,
 * exposed only as a sensitive output), and a JSON settings file the deployment reads, recording
 * the namespace, the instance and its security group beside the database's name and user (never
 * the password). It needs no cloud: random and local providers only, so it runs on the offline
 * provider mirror. The random values keep to the service and environment, so applying again with
 * another instance rewrites the file and keeps the credentials. State stays in `terraform.tfstate`
 * in the working directory.
 */
export class ServiceStack extends TerraformStack {
  constructor(scope: Construct, id: string, params: ServiceStackParams) {
    super(scope, id);
    if (!path.isAbsolute(params.directory)) {
      throw new Error(`service stack: directory must be absolute, got ${params.directory}`);
    }
    new LocalBackend(this, { path: 'terraform.tfstate' });
    new RandomProvider(this, 'random');
    new LocalProvider(this, 'local');
    for (const name of ['random', 'local'] as const) {
      this.addOverride(`terraform.required_providers.${name}.version`, sandboxProviderConstraints[name]);
    }

    const keepers = { service: params.service, environment: params.environment };
    const deployment = new Id(this, 'deployment', { byteLength: 4, keepers });
    // Letters and digits only: the password goes into connection strings unquoted.
    const password = new Password(this, 'database', { length: 32, special: false, keepers });
    const database = {
      engine: 'postgres',
      name: postgresIdentifier(params.service, params.environment),
      user: postgresIdentifier(params.service),
      passwordFrom: 'terraform output -raw database_password',
    };
    const settings = new File(this, 'settings', {
      filename: path.join(params.directory, `${params.service}-${params.environment}.json`),
      content: Fn.jsonencode({
        service: params.service,
        environment: params.environment,
        deploymentId: deployment.hex,
        kubernetes: { namespace: params.namespace },
        aws: {
          ...(params.instanceId ? { instanceId: params.instanceId } : {}),
          ...(params.securityGroupId ? { securityGroupId: params.securityGroupId } : {}),
        },
        database,
      }),
      filePermission: '0644',
      directoryPermission: '0755',
    });

    new TerraformOutput(this, 'deployment_id', { value: deployment.hex });
    new TerraformOutput(this, 'database_name', { value: database.name });
    new TerraformOutput(this, 'database_user', { value: database.user });
    new TerraformOutput(this, 'database_password', { value: password.result, sensitive: true });
    new TerraformOutput(this, 'settings_path', { value: settings.filename });
  }
}
