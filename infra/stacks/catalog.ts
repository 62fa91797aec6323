import type { z } from 'zod';
import { sandboxStackParams, serviceStackParams } from './params.js';

/*
 * What each stack is for and the parameters it takes, without its constructs: the Terraform
 * adapter describes and checks calls with this, and loads cdktf (index.ts, ../synth.ts) only to
 * synthesize. index.ts adds each stack's constructs.
 */

/** Every stack by name, with its description and parameters. A stack added here is built in index.ts. */
export const stackCatalog = {
  sandbox: {
    description:
      'No cloud needed: a random pet name and hex suffix, a null_resource carrying them, and a local JSON file ' +
      'holding them in `directory`.',
    params: sandboxStackParams,
  },
  service: {
    description:
      "No cloud needed: one environment of a backend service, a deployment id and its Postgres database's " +
      'credentials (name, user, and a generated password kept in the state: the sensitive output ' +
      'database_password), and a JSON settings file in `directory` recording the namespace, instance and ' +
      'security group beside the database name and user.',
    params: serviceStackParams,
  },
} satisfies Record<string, { description: string; params: z.ZodType }>;

export type StackName = keyof typeof stackCatalog;

/** The parameters each stack takes, after validation. */
export type StackParams = { [N in StackName]: z.output<(typeof stackCatalog)[N]['params']> };

/** The registry's names, as a non-empty tuple (what `z.enum` takes). */
export const stackNames = Object.keys(stackCatalog) as [StackName, ...StackName[]];

export function isStackName(name: string): name is StackName {
  return Object.hasOwn(stackCatalog, name);
}
