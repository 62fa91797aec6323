import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { App } from 'cdktf';
import {
  isStackName,
  stackDefinition,
  stackNames,
  type StackName,
  type StackParams,
} from './stacks/index.js';

/*
 * cdktf stays behind this file and infra/stacks/ (HashiCorp deprecated cdktf in December 2025):
 * callers get a directory of Terraform JSON, so the constructs can be swapped for another
 * generator (a maintained fork, or plain JSON) without touching the Terraform runner.
 */

export type { StackName, StackParams };

/** A stack name or parameters the registry does not accept; nothing was synthesized. */
export class StackParamsError extends Error {
  constructor(
    message: string,
    readonly issues: { path: PropertyKey[]; message: string }[] = [],
  ) {
    super(message);
    this.name = 'StackParamsError';
  }
}

/** File name of the synthesized configuration inside the stack's directory. */
export const stackConfigFileName = 'cdk.tf.json';

/**
 * Synthesizes the named stack to Terraform JSON with the cdktf library alone (no cdktf CLI, no
 * network: the prebuilt provider bindings carry the schemas). Writes
 * `<outdir>/stacks/<name>/cdk.tf.json` and returns that stack directory, which is the working
 * directory to run `terraform init/plan/apply` in (the local state lands there too).
 */
export function synthStack<N extends StackName>(name: N, params: StackParams[N], outdir: string): string {
  return synthNamedStack(name, params, outdir);
}

/**
 * Like synthStack, for a name and parameters known only at run time (a tool call): both are
 * checked against the registry first; a StackParamsError says what is wrong.
 */
export function synthNamedStack(name: string, params: unknown, outdir: string): string {
  if (!isStackName(name)) {
    throw new StackParamsError(`unknown stack "${name}"; known: ${stackNames.join(', ')}`, [
      { path: ['stack'], message: 'unknown stack' },
    ]);
  }
  const definition = stackDefinition(name);
  const parsed = definition.params.safeParse(params);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
    throw new StackParamsError(
      `invalid parameters for stack ${name}: ${issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const root = path.resolve(outdir);
  mkdirSync(root, { recursive: true });
  // hclOutput false: the runner reads JSON. (SYNTH_HCL_OUTPUT in the environment would override it.)
  const app = new App({ outdir: root, stackTraces: false, hclOutput: false });
  definition.build(app, name, parsed.data);
  app.synth();
  const dir = path.join(root, 'stacks', name);
  if (!existsSync(path.join(dir, stackConfigFileName))) {
    throw new Error(`cdktf synth wrote no ${stackConfigFileName} in ${dir} (is SYNTH_HCL_OUTPUT=true set?)`);
  }
  return dir;
}
