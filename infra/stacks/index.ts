import type { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { z } from 'zod';
import { stackCatalog, type StackName } from './catalog.js';
import { SandboxStack } from './sandbox-stack.js';
import { ServiceStack } from './service-stack.js';

export { isStackName, stackNames, type StackName, type StackParams } from './catalog.js';

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

/** Every stack by name: its catalog entry (catalog.ts) and its constructs. */
export const stackRegistry = {
  sandbox: defineStack({
    ...stackCatalog.sandbox,
    build: (scope, id, params) => new SandboxStack(scope, id, params),
  }),
  service: defineStack({
    ...stackCatalog.service,
    build: (scope, id, params) => new ServiceStack(scope, id, params),
  }),
} satisfies Record<StackName, StackDefinition>;

/** The registry entry for `name`, typed loosely for callers that hold a name only at run time. */
export function stackDefinition(name: StackName): StackDefinition {
  return stackRegistry[name] as unknown as StackDefinition;
}
