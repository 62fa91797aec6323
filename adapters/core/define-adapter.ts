import type { z } from 'zod';
import type { Logger } from '../../core/logger.js';
import type { ErrorCategory } from './errors.js';

export type OperationKind = 'read' | 'write' | 'destroy';

/** A file an operation produced (screenshot, plan, export), kept in the data dir and passed by reference. */
export interface ArtifactRef {
  id: string;
  name: string;
  contentType: string;
  size: number;
  /** Path relative to the artifacts root. */
  path: string;
}

/** What an operation's code gets besides its input. */
export interface OperationContext<Client> {
  client: Client;
  tenantId: string;
  /** Present for writes called with an idempotency key; pass it to vendors that take one (EC2 ClientToken). */
  idempotencyKey?: string;
  logger: Logger;
  /** Tells Temporal the operation is alive (long waits, applies, uploads). */
  heartbeat(details?: unknown): void;
  /** Aborted when the activity is cancelled or times out. */
  signal: AbortSignal;
  saveArtifact(name: string, data: Uint8Array | string, contentType: string): Promise<ArtifactRef>;
  /** Absolute path of an artifact this tenant produced earlier. */
  artifactPath(ref: Pick<ArtifactRef, 'path'>): string;
}

/** One thing an adapter can do, with typed input and output. */
export interface OperationDefinition<I extends z.ZodType, O extends z.ZodType, Client> {
  description: string;
  kind: OperationKind;
  /** True when calling it twice with the same input has the effect of calling it once. */
  idempotent: boolean;
  input: I;
  output: O;
  /** The operation that undoes this one in a saga, and how its input is made from this call. */
  compensate?: { operation: string; input(input: z.output<I>, output: z.output<O>): unknown };
  /**
   * For writes: after a crash left the ledger saying "started", find what the first attempt
   * created (by name, tag, token) so the retry returns it instead of creating it again.
   */
  recover?(context: OperationContext<Client>, input: z.output<I>): Promise<z.output<O> | undefined>;
  run(context: OperationContext<Client>, input: z.output<I>): Promise<z.input<O>>;
}

export interface CredentialSpec<C extends z.ZodType> {
  schema: C;
  /** Environment variable for each field; a tenant's stored credentials take precedence. */
  env: Partial<Record<keyof z.output<C> & string, string>>;
  /** Fields never logged, returned or put in a Temporal payload. */
  secret: (keyof z.output<C> & string)[];
}

/** A tool: how to connect, how to check the connection, and what it can do. */
export interface AdapterDefinition<C extends z.ZodType = z.ZodType, Client = unknown> {
  id: string;
  title: string;
  credentials: CredentialSpec<C>;
  /** Shared, Redis-enforced call rate per credential. */
  rateLimit?: { perSecond: number; burst: number };
  connect(
    credentials: z.output<C>,
    transport: { fetch: typeof fetch; logger: Logger },
  ): Client | Promise<Client>;
  /** Vendor error codes the HTTP status does not tell apart (EC2 answers 400 for "not found"). */
  classifyError?(error: unknown): ErrorCategory | undefined;
  /** A cheap authenticated call that proves the credentials and the server work. */
  testConnection(client: Client): Promise<void>;
  operations: Record<string, OperationDefinition<z.ZodType, z.ZodType, Client>>;
  /** Releases what connect opened (browsers, sockets). */
  disconnect?(client: Client): Promise<void>;
}

export type AnyAdapter = AdapterDefinition<z.ZodType, unknown>;

/** Keeps each operation's input and output types tied to its schemas while the map stays uniform. */
export function defineOperation<Client>() {
  return <I extends z.ZodType, O extends z.ZodType>(definition: OperationDefinition<I, O, Client>) =>
    definition as unknown as OperationDefinition<z.ZodType, z.ZodType, Client>;
}

export function defineAdapter<C extends z.ZodType, Client>(
  definition: AdapterDefinition<C, Client>,
): AnyAdapter {
  return definition as unknown as AnyAdapter;
}
