/**
 * The terraform adapter, verified against the real Terraform CLI 1.5.7 with the null, local and
 * random providers from a local filesystem mirror (scripts/setup/terraform.sh builds both; the
 * file builds them first when they are missing). Nothing is mocked: what the stacks write is
 * checked on the real filesystem. Terraform runs on this machine, so there is no separate live
 * test: these tests are the verification against the real tool.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTerraformToolchain } from '../../infra/ensure-terraform-toolchain.js';
import type { SandboxStackOutputs } from '../../infra/stacks/sandbox-stack.js';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import type { InvokeHooks } from '../core/tool-runtime.js';
import { connectTerraform } from './client.js';
import { terraformAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

const tenantId = 'default';

/** A deployment's own CLI settings, if this machine has any; otherwise the adapter's defaults. */
const cliEnv: Record<string, string> = Object.fromEntries(
  ['TERRAFORM_CLI', 'TERRAFORM_CLI_CONFIG']
    .map((name) => [name, process.env[name]])
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''),
);

// The harness keeps artifacts under the OS temp dir, per tenant; workspaces sit beside them.
const artifactsRoot = path.join(os.tmpdir(), 'somagent-test-artifacts', tenantId);
const artifactFile = (relative: string) => path.join(artifactsRoot, relative);
const workspacePath = (id: string) => path.join(artifactsRoot, 'terraform', 'workspaces', id);

interface SynthOutput {
  workspaceId: string;
  stack: string;
  config: { path: string; contentType: string };
  resources: string[];
}
interface PlanOutput {
  workspaceId: string;
  plan: { path: string; name: string; contentType: string; size: number; id: string };
  planJson: { path: string };
  changes: { add: number; change: number; destroy: number };
  resourceChanges: { address: string; actions: string[] }[];
}
interface ApplyOutput {
  workspaceId: string;
  outputs: SandboxStackOutputs;
  sensitiveOutputs: string[];
  resources?: { added: number; changed: number; destroyed: number };
  recovered?: boolean;
}

/** Files under `dir`, counted on disk. */
async function countFiles(dir: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).length;
}

/** Destroys what a workspace holds and removes it, so the tests leave nothing behind. */
async function destroyAndRemove(tools: TestToolRuntime, workspaceId: string): Promise<void> {
  if (!existsSync(workspacePath(workspaceId))) return;
  await tools.runtime
    .invoke({ tenantId, tool: 'terraform', operation: 'destroy', input: { workspaceId } })
    .catch((error: Error) => console.warn(`could not destroy workspace ${workspaceId}: ${error.message}`));
  await rm(workspacePath(workspaceId), { recursive: true, force: true });
}

// Cold, the toolchain takes 6 to 11 minutes to build; the suites' own hooks would time out first.
beforeAll(() => ensureTerraformToolchain().then(() => undefined), 30 * 60_000);

const conformance = { workspaceId: `conformance-${randomUUID().slice(0, 8)}`, dir: '' };
const conformanceFiles = () => path.join(conformance.dir, 'files');

testAdapter({
  adapter: terraformAdapter,
  tier: 'real terraform CLI 1.5.7 with providers from a local filesystem mirror',
  start: async () => {
    conformance.dir = await mkdtemp(path.join(os.tmpdir(), 'terraform-conformance-'));
    const tools = createTestToolRuntime([terraformAdapter], cliEnv);
    try {
      await tools.runtime.invoke({
        tenantId,
        tool: 'terraform',
        operation: 'synth',
        input: {
          stack: 'sandbox',
          workspaceId: conformance.workspaceId,
          params: { directory: conformanceFiles(), label: 'conformance' },
        },
      });
    } finally {
      await tools.close();
    }
    return {
      env: cliEnv,
      stop: async () => {
        const cleanup = createTestToolRuntime([terraformAdapter], cliEnv);
        try {
          await destroyAndRemove(cleanup, conformance.workspaceId);
        } finally {
          await cleanup.close();
          await rm(conformance.dir, { recursive: true, force: true });
        }
      },
    };
  },
  read: { operation: 'output', input: { workspaceId: conformance.workspaceId } },
  write: {
    operation: 'apply',
    input: { workspaceId: conformance.workspaceId },
    // Exactly-once, counted on the filesystem: the sandbox stack writes one file per apply that creates it.
    count: () => countFiles(conformanceFiles()),
    identify: (output) => (output as ApplyOutput).outputs,
  },
  notFound: { operation: 'output', input: { workspaceId: 'no-such-workspace' } },
});

describe('terraform adapter: the sandbox stack through the real CLI', () => {
  let tools: TestToolRuntime;
  let work: string;
  const workspaces: string[] = [];

  const call = async <T>(
    operation: string,
    input: unknown,
    hooks: InvokeHooks = {},
    idempotencyKey?: string,
  ) =>
    (
      await tools.runtime.invoke(
        { tenantId, tool: 'terraform', operation, input, ...(idempotencyKey ? { idempotencyKey } : {}) },
        hooks,
      )
    ).output as T;

  const synth = async (files: string, label: string) => {
    const synthesized = await call<SynthOutput>('synth', {
      stack: 'sandbox',
      params: { directory: files, label },
    });
    workspaces.push(synthesized.workspaceId);
    return synthesized;
  };

  beforeAll(async () => {
    tools = createTestToolRuntime([terraformAdapter], cliEnv);
    work = await mkdtemp(path.join(os.tmpdir(), 'terraform-adapter-'));
  });
  afterAll(async () => {
    for (const id of workspaces) await destroyAndRemove(tools, id);
    await tools?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  describe('synth → plan → apply → output → destroy', () => {
    let files: string;
    let workspaceId: string;
    let plan: PlanOutput;
    let applied: ApplyOutput;

    it('synth keeps the Terraform JSON as an artifact and opens a workspace', async () => {
      files = path.join(work, 'lifecycle');
      const synthesized = await synth(files, 'lifecycle');
      workspaceId = synthesized.workspaceId;
      expect(workspaceId).toMatch(/^ws-[0-9a-f-]{36}$/);
      expect(synthesized.stack).toBe('sandbox');
      expect([...synthesized.resources].sort()).toEqual([
        'local_file.file',
        'null_resource.marker',
        'random_id.suffix',
        'random_pet.pet',
      ]);
      expect(synthesized.config.contentType).toBe('application/json');
      const config = JSON.parse(await readFile(artifactFile(synthesized.config.path), 'utf8'));
      expect(config.resource.local_file.file.filename).toBe(path.join(files, 'sandbox.json'));
      expect(config.terraform.backend).toEqual({ local: { path: 'terraform.tfstate' } });
      expect(await readFile(path.join(workspacePath(workspaceId), 'main.tf.json'), 'utf8')).toBe(
        await readFile(artifactFile(synthesized.config.path), 'utf8'),
      );
      expect(existsSync(files)).toBe(false);
    });

    it('plan counts four resources to add and keeps the plan file and its JSON as artifacts', async () => {
      plan = await call<PlanOutput>('plan', { workspaceId });
      expect(plan.changes).toEqual({ add: 4, change: 0, destroy: 0 });
      expect(plan.resourceChanges.map((c) => `${c.address}:${c.actions.join('+')}`).sort()).toEqual([
        'local_file.file:create',
        'null_resource.marker:create',
        'random_id.suffix:create',
        'random_pet.pet:create',
      ]);
      const shown = JSON.parse(await readFile(artifactFile(plan.planJson.path), 'utf8'));
      expect(shown.terraform_version).toMatch(/^\d+\.\d+\.\d+/);
      expect(shown.planned_values.outputs.file_path.value).toBe(path.join(files, 'sandbox.json'));
      const plannedFile = shown.planned_values.root_module.resources.find(
        (resource: { address: string }) => resource.address === 'local_file.file',
      );
      expect(plannedFile.values).toMatchObject({
        filename: path.join(files, 'sandbox.json'),
        file_permission: '0644',
      });
      // A saved plan is a zip archive (configuration snapshot, prior state, changes).
      const planBytes = await readFile(artifactFile(plan.plan.path));
      expect(planBytes.subarray(0, 2).toString('latin1')).toBe('PK');
      expect(plan.plan.size).toBe(planBytes.length);
      expect(existsSync(files)).toBe(false);
    });

    it('apply of the saved plan creates the file and heartbeats as Terraform works', async () => {
      const beats: { phase: string; lines?: string[] }[] = [];
      applied = await call<ApplyOutput>(
        'apply',
        { workspaceId, plan: plan.plan },
        { heartbeat: (details) => beats.push(details as { phase: string; lines?: string[] }) },
        `lifecycle:${randomUUID()}`,
      );
      expect(applied.resources).toEqual({ added: 4, changed: 0, destroyed: 0 });
      expect(applied.sensitiveOutputs).toEqual([]);
      const { outputs } = applied;
      expect(outputs.pet_name).toMatch(/^[a-z]+-[a-z]+$/);
      expect(outputs.suffix_hex).toMatch(/^[0-9a-f]{8}$/);
      expect(outputs.marker_id).toMatch(/^\d+$/);
      expect(outputs.file_path).toBe(path.join(files, 'sandbox.json'));
      expect(JSON.parse(await readFile(outputs.file_path, 'utf8'))).toEqual({
        stack: 'sandbox',
        label: 'lifecycle',
        pet: outputs.pet_name,
        suffix: outputs.suffix_hex,
      });
      const applyBeats = beats.filter((beat) => beat.phase === 'apply');
      expect(applyBeats.length).toBeGreaterThan(0);
      expect(applyBeats.flatMap((beat) => beat.lines ?? []).join('\n')).toMatch(
        /local_file\.file: Creation complete/,
      );
    });

    it('the same saved plan cannot be applied twice: the state moved, a conflict', async () => {
      const error = await toolErrorOf(call('apply', { workspaceId, plan: plan.plan }));
      expect(error.category).toBe('conflict');
      expect(error.message).toMatch(/Saved plan is stale/);
    });

    it('output reads the values back from the state, and a new plan is empty', async () => {
      const read = await call<ApplyOutput>('output', { workspaceId });
      expect(read).toEqual({ workspaceId, outputs: applied.outputs, sensitiveOutputs: [] });
      const again = await call<PlanOutput>('plan', { workspaceId });
      expect(again.changes).toEqual({ add: 0, change: 0, destroy: 0 });
      expect(again.resourceChanges).toEqual([]);
    });

    it('a state lock held by another Terraform process is a conflict', async () => {
      const { toolchain, env } = connectTerraform({
        cli: cliEnv.TERRAFORM_CLI,
        cliConfig: cliEnv.TERRAFORM_CLI_CONFIG,
      });
      const dir = workspacePath(workspaceId);
      // `terraform console` holds the state lock for as long as it runs.
      const holder = spawn(toolchain.binary, ['console'], {
        cwd: dir,
        env,
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      try {
        const lockInfo = path.join(dir, '.terraform.tfstate.lock.info');
        for (let waited = 0; !existsSync(lockInfo); waited += 100) {
          if (waited > 30_000) throw new Error('terraform console never took the state lock');
          await sleep(100);
        }
        const error = await toolErrorOf(call('plan', { workspaceId, lockTimeoutSeconds: 1 }));
        expect(error.category).toBe('conflict');
        expect(error.message).toMatch(/Error acquiring the state lock/);
      } finally {
        // The console ends at the end of its input; SIGTERM alone it ignores.
        const closed = new Promise((resolve) => holder.once('close', resolve));
        holder.stdin.end();
        const killer = setTimeout(() => holder.kill('SIGKILL'), 10_000);
        await closed;
        clearTimeout(killer);
      }
    });

    it("destroy, apply's compensation, removes the file and empties the outputs", async () => {
      const compensation = terraformAdapter.operations.apply?.compensate;
      expect(compensation?.operation).toBe('destroy');
      const destroyed = await call('destroy', compensation?.input({ workspaceId }, applied));
      expect(destroyed).toEqual({ workspaceId, destroyed: 4 });
      expect(existsSync(path.join(files, 'sandbox.json'))).toBe(false);
      expect(await call('output', { workspaceId })).toEqual({
        workspaceId,
        outputs: {},
        sensitiveOutputs: [],
      });
    });
  });

  it('rejects invalid stack parameters before anything is written or run', async () => {
    const workspaceId = `never-${randomUUID().slice(0, 8)}`;
    const beats: unknown[] = [];
    const error = await toolErrorOf(
      tools.runtime.invoke(
        {
          tenantId,
          tool: 'terraform',
          operation: 'synth',
          input: {
            stack: 'sandbox',
            workspaceId,
            params: { directory: 'relative/dir', label: 'has spaces' },
          },
        },
        { heartbeat: (details) => beats.push(details) },
      ),
    );
    expect(error.category).toBe('invalid_input');
    expect(error.message).toMatch(/params\.directory: must be an absolute path/);
    expect(error.message).toMatch(/params\.label: must be 1 to 64 letters/);
    expect(existsSync(workspacePath(workspaceId))).toBe(false);
    expect(beats).toEqual([]);

    const unknown = await toolErrorOf(call('synth', { stack: 'mainframe', params: {} }));
    expect(unknown.category).toBe('invalid_input');
    expect(unknown.message).toMatch(/stack/);
    const traversal = await toolErrorOf(call('plan', { workspaceId: '../conformance' }));
    expect(traversal.category).toBe('invalid_input');
    const missing = await toolErrorOf(call('plan', { workspaceId: 'no-such-workspace' }));
    expect(missing.category).toBe('not_found');
  });

  it('after a crash with changes still pending, recovery lets the apply run again and it converges', async () => {
    const files = path.join(work, 'recover');
    const { workspaceId } = await synth(files, 'recover');
    const key = `recover:${randomUUID()}`;
    const first = await call<ApplyOutput>('apply', { workspaceId }, {}, key);
    const file = first.outputs.file_path;
    expect(existsSync(file)).toBe(true);

    // A crash after the apply began, and the file missing since: the state has resources, yet
    // the configuration is not fully in place, so output -json must not answer for it.
    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = $1 and idempotency_key = $2",
      [tenantId, key],
    );
    await unlink(file);
    const retry = await tools.runtime.invoke({
      tenantId,
      tool: 'terraform',
      operation: 'apply',
      input: { workspaceId },
      idempotencyKey: key,
    });
    expect(retry.replayed).toBe(false);
    const output = retry.output as ApplyOutput;
    expect(output.resources).toEqual({ added: 1, changed: 0, destroyed: 0 });
    expect(output.outputs).toEqual(first.outputs);
    expect(existsSync(file)).toBe(true);
    expect(await countFiles(files)).toBe(1);
  });

  it('an aborted call interrupts Terraform, fails as a retryable cancellation, and the workspace stays usable', async () => {
    const files = path.join(work, 'cancel');
    const { workspaceId } = await synth(files, 'cancel');
    const controller = new AbortController();
    const phases: string[] = [];
    const error = await toolErrorOf(
      call(
        'apply',
        { workspaceId },
        {
          signal: controller.signal,
          heartbeat: (details) => {
            phases.push((details as { phase: string }).phase);
            controller.abort(new Error('the activity was cancelled'));
          },
        },
      ),
    );
    expect(error.category).toBe('transient');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/terraform init cancelled: the activity was cancelled/);
    expect(phases[0]).toBe('init');

    const applied = await call<ApplyOutput>('apply', { workspaceId });
    expect(applied.resources).toEqual({ added: 4, changed: 0, destroyed: 0 });
    expect(existsSync(applied.outputs.file_path)).toBe(true);
  });

  it('maps providers missing from the mirror to invalid_input, in a configured workspaces directory', async () => {
    const mirror = path.join(work, 'empty-mirror');
    await mkdir(mirror, { recursive: true });
    const cliConfig = path.join(work, 'empty-mirror.terraformrc');
    await writeFile(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/*/*"]\n  }\n}\n`,
    );
    const workspacesDir = path.join(work, 'workspaces');
    const bare = createTestToolRuntime([terraformAdapter], {
      ...cliEnv,
      TERRAFORM_CLI_CONFIG: cliConfig,
      TERRAFORM_WORKSPACES_DIR: workspacesDir,
    });
    try {
      const synthesized = (
        await bare.runtime.invoke({
          tenantId,
          tool: 'terraform',
          operation: 'synth',
          input: { stack: 'sandbox', params: { directory: path.join(work, 'unused'), label: 'mirror' } },
        })
      ).output as SynthOutput;
      expect(existsSync(path.join(workspacesDir, tenantId, synthesized.workspaceId, 'main.tf.json'))).toBe(
        true,
      );
      const error = await toolErrorOf(
        bare.runtime.invoke({
          tenantId,
          tool: 'terraform',
          operation: 'plan',
          input: { workspaceId: synthesized.workspaceId },
        }),
      );
      expect(error.category).toBe('invalid_input');
      expect(error.message).toMatch(/terraform init failed \(exit 1\)/);
      expect(error.message).toMatch(/provider/i);
      expect(error.message).toMatch(/hashicorp\/(null|random|local)/);
    } finally {
      await bare.close();
    }
  });

  it('a missing CLI is invalid_input naming the setup command, in calls and in the connection test', async () => {
    const missing = createTestToolRuntime([terraformAdapter], {
      TERRAFORM_CLI: path.join(work, 'no-terraform'),
    });
    try {
      const error = await toolErrorOf(
        missing.runtime.invoke({
          tenantId,
          tool: 'terraform',
          operation: 'output',
          input: { workspaceId: 'anything' },
        }),
      );
      expect(error.category).toBe('invalid_input');
      expect(error.message).toMatch(/TERRAFORM_CLI=.*no-terraform is not an executable file/);
      expect(error.message).toContain('bash scripts/setup/terraform.sh');
      const connection = await missing.runtime.checkConnection(tenantId, 'terraform');
      expect(connection.reachable).toBe(false);
      expect(connection.error).toContain('bash scripts/setup/terraform.sh');
    } finally {
      await missing.close();
    }
  });
});
