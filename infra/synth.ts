import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { App } from 'cdktf';
import { SandboxStack, type SandboxStackParams } from './stacks/sandbox-stack.js';

/**
 * The stacks SomaGent can synthesize, by name, with the parameters each takes.
 *
 * cdktf stays behind this file and infra/stacks/ (HashiCorp deprecated cdktf in December 2025):
 * callers get a directory of Terraform JSON, so the constructs can be swapped for another
 * generator (a maintained fork, or plain JSON) without touching the Terraform runner.
 */
export interface StackParams {
  sandbox: SandboxStackParams;
}

export type StackName = keyof StackParams;

const stacks: { [N in StackName]: new (app: App, id: N, params: StackParams[N]) => unknown } = {
  sandbox: SandboxStack,
};

/** File name of the synthesized configuration inside the stack's directory. */
export const stackConfigFileName = 'cdk.tf.json';

/**
 * Synthesizes the named stack to Terraform JSON with the cdktf library alone (no cdktf CLI, no
 * network: the prebuilt provider bindings carry the schemas). Writes
 * `<outdir>/stacks/<name>/cdk.tf.json` and returns that stack directory, which is the working
 * directory to run `terraform init/plan/apply` in (the local state lands there too).
 */
export function synthStack<N extends StackName>(name: N, params: StackParams[N], outdir: string): string {
  const Stack = stacks[name];
  if (!Stack) throw new Error(`unknown stack ${String(name)}; known: ${Object.keys(stacks).join(', ')}`);
  const root = path.resolve(outdir);
  mkdirSync(root, { recursive: true });
  // hclOutput false: the runner reads JSON. (SYNTH_HCL_OUTPUT in the environment would override it.)
  const app = new App({ outdir: root, stackTraces: false, hclOutput: false });
  new Stack(app, name, params);
  app.synth();
  const dir = path.join(root, 'stacks', name);
  if (!existsSync(path.join(dir, stackConfigFileName))) {
    throw new Error(`cdktf synth wrote no ${stackConfigFileName} in ${dir} (is SYNTH_HCL_OUTPUT=true set?)`);
  }
  return dir;
}
