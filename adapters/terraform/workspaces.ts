import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { OperationContext } from '../core/define-adapter.js';
import { ToolError } from '../core/errors.js';
import type { TerraformClient } from './client.js';
import { runTerraform } from './run-terraform.js';

/** The synthesized configuration Terraform reads in a workspace (any `*.tf.json` would do). */
export const CONFIG_FILE = 'main.tf.json';
/** What SomaGent knows about a workspace: the stack, its parameters, the plans made there. */
const META_FILE = 'workspace.json';
/** The local backend's state file, as the stacks configure it. */
const STATE_FILE = 'terraform.tfstate';
/** Written after a successful init: the hash of the configuration it was run for. */
const INIT_MARKER = path.join('.terraform', 'somagent-init');
/** Plans kept per workspace for checking that an applied plan was made here. */
const KEPT_PLANS = 20;

/** What workspace.json holds. */
export interface WorkspaceMeta {
  stack: string;
  params: unknown;
  synthesizedAt: string;
  /** Artifact paths of the plans made in this workspace, newest last. */
  plans: string[];
}

/** A workspace on disk: the directory Terraform runs in, with its configuration and local state. */
export interface Workspace {
  id: string;
  dir: string;
  meta: WorkspaceMeta;
}

type Context = OperationContext<TerraformClient>;

/**
 * The tenant's workspaces directory. By default it sits under the tenant's artifacts
 * (`<artifacts>/<tenant>/terraform/workspaces`), which the runtime already keeps per tenant;
 * a configured `workspacesDir` gets one directory per tenant inside it.
 */
export function workspacesRoot(context: Pick<Context, 'client' | 'tenantId' | 'artifactPath'>): string {
  if (!context.client.workspacesDir)
    return context.artifactPath({ path: path.join('terraform', 'workspaces') });
  const tenant = encodeURIComponent(context.tenantId);
  if (tenant === '' || tenant === '.' || tenant === '..')
    throw new ToolError('invalid_input', `tenant id ${context.tenantId} cannot name a directory`);
  return path.join(path.resolve(context.client.workspacesDir), tenant);
}

/** The directory of workspace `id` (the id's schema keeps it one plain path segment). */
export function workspaceDir(
  context: Pick<Context, 'client' | 'tenantId' | 'artifactPath'>,
  id: string,
): string {
  return path.join(workspacesRoot(context), id);
}

export async function readMeta(dir: string): Promise<WorkspaceMeta | undefined> {
  try {
    return JSON.parse(await readFile(path.join(dir, META_FILE), 'utf8')) as WorkspaceMeta;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a file behind. */
export async function writeMeta(dir: string, meta: WorkspaceMeta): Promise<void> {
  const temporary = path.join(dir, `.${META_FILE}.${process.pid}.tmp`);
  await writeFile(temporary, `${JSON.stringify(meta, null, 2)}\n`);
  await rename(temporary, path.join(dir, META_FILE));
}

/** Remembers a plan made in the workspace, so apply can refuse plans made elsewhere. */
export async function recordPlan(workspace: Workspace, artifactPath: string): Promise<void> {
  const current = (await readMeta(workspace.dir)) ?? workspace.meta;
  await writeMeta(workspace.dir, { ...current, plans: [...current.plans, artifactPath].slice(-KEPT_PLANS) });
}

/** A synthesized workspace, or not_found. */
export async function openWorkspace(context: Context, id: string): Promise<Workspace> {
  const dir = workspaceDir(context, id);
  const meta = await readMeta(dir);
  if (!meta || !existsSync(path.join(dir, CONFIG_FILE))) {
    throw new ToolError(
      'not_found',
      `no Terraform workspace ${id} for tenant ${context.tenantId}; run synth first`,
    );
  }
  return { id, dir, meta };
}

export async function createWorkspaceDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/** True once an apply has written state (even an empty one after destroy). */
export function hasState(workspace: Workspace): boolean {
  return existsSync(path.join(workspace.dir, STATE_FILE));
}

/**
 * Runs `terraform init` when the configuration changed since the last successful one (or there
 * was none). Skipping it otherwise keeps reads cheap and avoids rewriting `.terraform` under a
 * run that is using it.
 */
export async function ensureInitialized(context: Context, workspace: Workspace): Promise<void> {
  const config = await readFile(path.join(workspace.dir, CONFIG_FILE));
  const hash = createHash('sha256').update(config).digest('hex');
  const marker = path.join(workspace.dir, INIT_MARKER);
  const done = await readFile(marker, 'utf8').catch(() => '');
  if (done === hash) return;
  await runTerraform(context, ['init', '-input=false', '-no-color'], { cwd: workspace.dir, phase: 'init' });
  await writeFile(marker, hash);
}
