import { z } from 'zod';
import type { AnyAdapter } from './define-adapter.js';

/** An adapter as GET /v1/tools shows it: operations with their JSON Schemas, never credentials. */
export function describeAdapter(adapter: AnyAdapter) {
  return {
    id: adapter.id,
    title: adapter.title,
    credentials: {
      fields: Object.keys((adapter.credentials.schema as unknown as z.ZodObject).shape ?? {}),
      env: adapter.credentials.env,
      secret: adapter.credentials.secret,
    },
    operations: Object.entries(adapter.operations).map(([name, operation]) => ({
      name,
      description: operation.description,
      kind: operation.kind,
      idempotent: operation.idempotent,
      ...(operation.compensate ? { compensation: operation.compensate.operation } : {}),
      inputSchema: z.toJSONSchema(operation.input, { io: 'input', unrepresentable: 'any' }),
      outputSchema: z.toJSONSchema(operation.output, { io: 'output', unrepresentable: 'any' }),
    })),
  };
}
