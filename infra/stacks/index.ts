import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import { SandboxStack, sandboxStackParams } from './sandbox-stack.js';
import { ServiceStack, serviceStackParams } from './service-stack.js';

/**
 * A stack SomaGent can synthesize: what it is for, the parameters it takes (checked before
 * anything is synthesized or run) and how its constructs are built. Callers choose stacks by
 * name and parameters only, never by handing in code.
 */
export interface StackDefinition<P extends z.ZodType = z.ZodType> {
  description: string;
  params: P;
  /** Builds the stack under `scope`; `id` becomes the stack's directory name in the synth output. */
  build(scope: Construct, id: string, params: z.output<P>): TerraformStack;
}

const defineStack = <P extends z.ZodType>(definition: StackDefinition<P>) => definition;

/** Every stack by name. Adding one here makes it available to the Terraform adapter. */
export const stackRegistry = {
  sandbox: defineStack({
    description:
      'No cloud needed: a random pet name and hex suffix, a null_resource carrying them, and a local JSON file ' +
      'holding them in `directory`.',
    params: sandboxStackParams,
    build: (scope, id, params) => new SandboxStack(scope, id, params),
  }),
  service: defineStack({
    description:
      "No cloud needed: one environment of a backend service, a deployment id and its Postgres database's " +
      'credentials (name, user, and a generated password kept in the state: the sensitive output ' +
      'database_password), and a JSON settings file in `directory` recording the namespace, instance and ' +
      'security group beside the database name and user.',
    params: serviceStackParams,
    build: (scope, id, params) => new ServiceStack(scope, id, params),
  }),
};

export type StackName = keyof typeof stackRegistry;

/** The parameters each stack takes, after validation. */
export type StackParams = { [N in StackName]: z.output<(typeof stackRegistry)[N]['params']> };

/** The registry's names, as a non-empty tuple (what `z.enum` takes). */
export const stackNames = Object.keys(stackRegistry) as [StackName, ...StackName[]];

export function isStackName(name: string): name is StackName {
  return Object.hasOwn(stackRegistry, name);
}

/** The registry entry for `name`, typed loosely for callers that hold a name only at run time. */
export function stackDefinition(name: StackName): StackDefinition {
  return stackRegistry[name] as unknown as StackDefinition;
}
