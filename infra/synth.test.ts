import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stackNames, stackRegistry } from './stacks/index.js';
import { StackParamsError, stackConfigFileName, synthNamedStack } from './synth.js';

/** The stack registry: stacks by name and checked parameters, synthesized without the cdktf CLI. */
describe('synthNamedStack and the stack registry', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'synth-registry-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const caught = (run: () => unknown): StackParamsError => {
    try {
      run();
    } catch (error) {
      if (error instanceof StackParamsError) return error;
      throw error;
    }
    throw new Error('expected a StackParamsError');
  };

  it('lists the sandbox stack with a description and a parameter schema', () => {
    expect(stackNames).toContain('sandbox');
    expect(stackRegistry.sandbox.description).toMatch(/local JSON file/);
    expect(stackRegistry.sandbox.params.safeParse({ directory: '/tmp/x', label: 'ok' }).success).toBe(true);
  });

  it('refuses an unknown stack and writes nothing', () => {
    const outdir = path.join(work, 'unknown');
    const error = caught(() => synthNamedStack('mainframe', {}, outdir));
    expect(error.message).toMatch(/unknown stack "mainframe"; known: .*sandbox/);
    expect(existsSync(outdir)).toBe(false);
  });

  it('refuses parameters the stack schema rejects, naming each one, and writes nothing', () => {
    const outdir = path.join(work, 'invalid');
    const error = caught(() =>
      synthNamedStack('sandbox', { directory: '/tmp/../etc', label: 'two words', petLength: 0 }, outdir),
    );
    expect(error.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'directory',
      'label',
      'petLength',
    ]);
    expect(error.message).toMatch(
      /invalid parameters for stack sandbox: directory: must be an absolute path/,
    );
    expect(existsSync(outdir)).toBe(false);
  });

  it('synthesizes the service stack: credentials kept to the service, the password only a sensitive output', () => {
    expect(stackNames).toContain('service');
    const dir = synthNamedStack(
      'service',
      {
        directory: path.join(work, 'settings'),
        service: 'ledger-api',
        environment: 'staging',
        namespace: 'ledger-staging',
        instanceId: 'i-0abc123',
        securityGroupId: 'sg-0def456',
      },
      path.join(work, 'service'),
    );
    const config = JSON.parse(readFileSync(path.join(dir, stackConfigFileName), 'utf8'));
    const keepers = { service: 'ledger-api', environment: 'staging' };
    expect(config.resource.random_password.database).toMatchObject({ length: 32, special: false, keepers });
    expect(config.resource.random_id.deployment).toMatchObject({ byte_length: 4, keepers });
    const settings = config.resource.local_file.settings;
    expect(settings.filename).toBe(path.join(work, 'settings', 'ledger-api-staging.json'));
    expect(settings.content).toContain('"instanceId" = "i-0abc123"');
    expect(settings.content).toContain('"name" = "ledger_api_staging"');
    expect(settings.content).not.toContain('random_password');
    expect(config.output.database_password).toEqual({
      value: '${random_password.database.result}',
      sensitive: true,
    });
    expect(config.output.database_name.value).toBe('ledger_api_staging');
    // Only the providers it uses, with constraints the offline mirror satisfies.
    expect(Object.keys(config.terraform.required_providers).sort()).toEqual(['local', 'random']);
    expect(config.terraform.required_providers.random.version).toBe('>= 3.6.3, < 4.0.0');
    expect(
      caught(() =>
        synthNamedStack(
          'service',
          {
            directory: '/srv',
            service: 'Ledger',
            environment: 'staging',
            namespace: 'x',
            instanceId: 'vm-1',
          },
          path.join(work, 'bad-service'),
        ),
      ).issues.map((issue) => issue.path.join('.')),
    ).toEqual(['service', 'instanceId']);
  });

  it('synthesizes a registered stack from run-time name and parameters', () => {
    const dir = synthNamedStack(
      'sandbox',
      { directory: path.join(work, 'files'), label: 'registry', petLength: 3 },
      work,
    );
    const config = JSON.parse(readFileSync(path.join(dir, stackConfigFileName), 'utf8'));
    expect(config.resource.random_pet.pet.length).toBe(3);
    expect(config.resource.null_resource.marker.triggers.label).toBe('registry');
  });
});
