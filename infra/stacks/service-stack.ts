import path from 'node:path';
import { File } from '@cdktf/provider-local/lib/file/index.js';
import { LocalProvider } from '@cdktf/provider-local/lib/provider/index.js';
import { Id } from '@cdktf/provider-random/lib/id/index.js';
import { Password } from '@cdktf/provider-random/lib/password/index.js';
import { RandomProvider } from '@cdktf/provider-random/lib/provider/index.js';
import { Fn, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ServiceStackParams } from './params.js';
import { sandboxProviderConstraints } from './sandbox-stack.js';

export { serviceStackParams, type ServiceStackParams } from './params.js';

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
