import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import type { Pool } from '../../core/db/pool.js';
import type { Logger } from '../../core/logger.js';
import type { Metrics } from '../../core/metrics.js';
import type { CredentialStore } from './credential-store.js';
import type { AnyAdapter, ArtifactRef, OperationContext } from './define-adapter.js';
import { ToolError, toToolError } from './errors.js';
import { createTransport } from './http.js';
import { SideEffectLedger, type LedgerEntry } from './ledger.js';
import { SharedRateLimiter } from './rate-limiter.js';

/** One tool call, as workflows ask for it: no secrets, only names and data. */
export interface InvokeRequest {
  tenantId: string;
  tool: string;
  operation: string;
  input: unknown;
  /** Makes a write happen once: `${workflowId}:${stepId}` in workflows. Ignored for reads. */
  idempotencyKey?: string;
  /** For metering: the workflow this call belongs to. */
  workflowId?: string;
}

export interface InvokeResult {
  output: unknown;
  /** True when the ledger answered: the side effect had happened already. */
  replayed: boolean;
}

export interface InvokeHooks {
  heartbeat?(details?: unknown): void;
  signal?: AbortSignal;
}

export type CredentialState =
  | { configured: true; values: Record<string, unknown>; source: 'tenant' | 'environment' }
  | { configured: false; missing: string[] };

export interface ToolRuntimeDeps {
  adapters: AnyAdapter[];
  pool: Pool;
  redis: Redis;
  logger: Logger;
  metrics: Metrics;
  credentials: CredentialStore;
  artifactsDir: string;
  env?: NodeJS.ProcessEnv;
  /** Longest a call waits for a rate limit before handing the wait to Temporal's retry. */
  maxRateLimitWaitMs?: number;
}

/** How long a process reuses a tenant's decrypted credentials before reading them again. */
const CREDENTIAL_CACHE_MS = 10_000;

const fingerprint = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/**
 * Everything a tool call goes through, in one place: input validation, credentials (tenant's
 * stored ones over the environment's), the shared rate limit, the side-effect ledger, the
 * vendor call, output validation, metering, and secrets kept out of errors and logs.
 */
export class ToolRuntime {
  private readonly adapters = new Map<string, AnyAdapter>();
  private readonly clients = new Map<string, Promise<unknown>>();
  private readonly ledger: SideEffectLedger;
  readonly limiter: SharedRateLimiter;
  private readonly transport = createTransport();
  private readonly stored = new Map<
    string,
    { at: number; values: Promise<Record<string, unknown> | undefined> }
  >();
  private readonly pendingRecords = new Set<Promise<unknown>>();

  constructor(private readonly deps: ToolRuntimeDeps) {
    for (const adapter of deps.adapters) this.adapters.set(adapter.id, adapter);
    this.ledger = new SideEffectLedger(deps.pool);
    this.limiter = new SharedRateLimiter(deps.redis);
  }

  /** The adapters, in registry order (the same array each time, so callers can cache by it). */
  list(): AnyAdapter[] {
    return this.deps.adapters;
  }

  get(tool: string): AnyAdapter | undefined {
    return this.adapters.get(tool);
  }

  /** The tenant's stored credentials merged over the environment's, checked against the adapter's schema. */
  async credentials(tenantId: string, adapter: AnyAdapter): Promise<CredentialState> {
    const env = this.deps.env ?? process.env;
    const fromEnv = Object.fromEntries(
      Object.entries(adapter.credentials.env as Record<string, string | undefined>)
        .map(([field, variable]) => [field, variable ? env[variable] : undefined])
        .filter(([, value]) => value !== undefined && value !== ''),
    );
    const stored = await this.storedCredentials(tenantId, adapter.id);
    const parsed = adapter.credentials.schema.safeParse({ ...fromEnv, ...stored });
    if (parsed.success) {
      return {
        configured: true,
        values: parsed.data as Record<string, unknown>,
        source: stored ? 'tenant' : 'environment',
      };
    }
    const missing = parsed.error.issues.map((issue) => {
      const field = String(issue.path[0] ?? '');
      const variable = (adapter.credentials.env as Record<string, string | undefined>)[field];
      return variable ? `${field} (${variable})` : field || issue.message;
    });
    return { configured: false, missing: [...new Set(missing)] };
  }

  async storeCredentials(tenantId: string, tool: string, values: Record<string, unknown>): Promise<void> {
    await this.deps.credentials.put(tenantId, tool, values);
    this.stored.delete(`${tenantId}/${tool}`);
  }

  async deleteCredentials(tenantId: string, tool: string): Promise<boolean> {
    this.stored.delete(`${tenantId}/${tool}`);
    return this.deps.credentials.delete(tenantId, tool);
  }

  /** Decrypted stored credentials, cached briefly: every call needs them, they rarely change. */
  private storedCredentials(tenantId: string, tool: string): Promise<Record<string, unknown> | undefined> {
    const key = `${tenantId}/${tool}`;
    const cached = this.stored.get(key);
    if (cached && Date.now() - cached.at < CREDENTIAL_CACHE_MS) return cached.values;
    const values = this.deps.credentials.get(tenantId, tool);
    values.catch(() => this.stored.delete(key));
    this.stored.set(key, { at: Date.now(), values });
    return values;
  }

  /** Runs the adapter's connection test with the tenant's credentials. */
  async checkConnection(tenantId: string, tool: string): Promise<{ reachable: boolean; error?: string }> {
    const adapter = this.require(tool);
    const state = await this.credentials(tenantId, adapter);
    if (!state.configured) return { reachable: false, error: `not configured: ${state.missing.join(', ')}` };
    const secrets = this.secretsOf(adapter, state.values);
    try {
      const client = await this.client(adapter, state.values);
      await adapter.testConnection(client);
      return { reachable: true };
    } catch (error) {
      return { reachable: false, error: redact(this.classify(adapter, error).message, secrets) };
    }
  }

  async invoke(request: InvokeRequest, hooks: InvokeHooks = {}): Promise<InvokeResult> {
    const started = performance.now();
    const { tool, operation, tenantId } = request;
    const adapter = this.require(tool);
    const definition = adapter.operations[operation];
    if (!definition) {
      throw new ToolError(
        'invalid_input',
        `${tool} has no operation "${operation}"; it has: ${Object.keys(adapter.operations).join(', ')}`,
        { tool, operation },
      );
    }
    const parsedInput = definition.input.safeParse(request.input);
    if (!parsedInput.success) {
      const issues = parsedInput.error.issues.map(
        (issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`,
      );
      throw new ToolError('invalid_input', `invalid input for ${tool}.${operation}: ${issues.join('; ')}`, {
        tool,
        operation,
      });
    }
    const input = parsedInput.data;
    const state = await this.credentials(tenantId, adapter);
    if (!state.configured) {
      throw new ToolError(
        'auth',
        `${adapter.title} is not configured for tenant ${tenantId}: missing ${state.missing.join(', ')}. ` +
          `Set the environment variables or PUT /v1/tools/${tool}/credentials.`,
        { tool, operation },
      );
    }
    const secrets = this.secretsOf(adapter, state.values);
    const limitKey = this.limitKey(adapter, state.values);
    const logger = this.deps.logger.child({
      tool,
      operation,
      tenant: tenantId,
      workflowId: request.workflowId,
    });
    const usesLedger = definition.kind !== 'read' && request.idempotencyKey !== undefined;
    const ledgerKey = request.idempotencyKey ?? '';
    let claimed = false;

    const finish = async (outcome: 'ok' | 'ledger' | 'error', category?: string) => {
      const durationMs = Math.round(performance.now() - started);
      this.deps.metrics.toolCalls.inc({ tool, operation, outcome });
      this.deps.metrics.toolDuration.observe({ tool, operation }, durationMs / 1000);
      // Metering is written beside the call, not in its path; close() waits for what is in flight.
      const record = this.deps.pool
        .query(
          `insert into tool_calls (tenant_id, tool, operation, outcome, error_category, duration_ms, workflow_id)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [tenantId, tool, operation, outcome, category ?? null, durationMs, request.workflowId ?? null],
        )
        .catch((error: unknown) => logger.warn({ err: error }, 'could not record the tool call'))
        .finally(() => this.pendingRecords.delete(record));
      this.pendingRecords.add(record);
    };

    try {
      let entry: LedgerEntry = { state: 'new' };
      if (usesLedger) {
        entry = await this.ledger.begin(tenantId, ledgerKey, { tool, operation, input });
        if (entry.state === 'completed') {
          await finish('ledger');
          return { output: entry.output, replayed: true };
        }
        // Only a claim this call made may be given up again; one left by a crash stays for recover().
        claimed = entry.state === 'new';
      }
      // Limits before connecting: a first connect can take seconds (SDKs load lazily), and waiting must
      // start from the pause another worker set, not after it.
      await this.limiter.acquire(limitKey, adapter.rateLimit, {
        maxWaitMs: this.deps.maxRateLimitWaitMs ?? 10_000,
        ...(hooks.signal ? { signal: hooks.signal } : {}),
      });
      const client = await this.client(adapter, state.values);
      const context = this.context(client, {
        tenantId,
        tool,
        logger,
        hooks,
        ...(usesLedger ? { idempotencyKey: ledgerKey } : {}),
      });
      if (entry.state === 'started' && definition.recover) {
        const recovered = await definition.recover(context, input);
        if (recovered !== undefined) {
          logger.info({ attempts: entry.attempts }, 'found the side effect of an interrupted attempt');
          await this.ledger.complete(tenantId, ledgerKey, recovered);
          await finish('ledger');
          return { output: recovered, replayed: true };
        }
      }
      const raw = await definition.run(context, input);
      const output = definition.output.safeParse(raw);
      if (!output.success) {
        if (usesLedger) await this.ledger.complete(tenantId, ledgerKey, raw);
        throw new ToolError(
          'invalid_input',
          `${tool}.${operation} returned data that does not match its output schema: ${output.error.message}`,
          { tool, operation },
        );
      }
      if (usesLedger) await this.ledger.complete(tenantId, ledgerKey, output.data);
      await finish('ok');
      return { output: output.data, replayed: false };
    } catch (error) {
      const toolError = this.classify(adapter, error, operation);
      if (toolError.category === 'rate_limited') {
        await this.limiter.pause(limitKey, toolError.details.retryAfterMs ?? 1000);
      }
      // A vendor's definite "no" means nothing was created; an unknown outcome keeps the claim for recover().
      if (claimed && toolError.category !== 'transient') await this.ledger.release(tenantId, ledgerKey);
      await finish('error', toolError.category);
      const safe = new ToolError(toolError.category, redact(toolError.message, secrets), {
        ...toolError.details,
        tool,
        operation,
      });
      logger.warn(
        { category: safe.category, status: safe.details.status, err: { message: safe.message } },
        'tool call failed',
      );
      throw safe;
    }
  }

  /** The file behind an artifact of this tenant (`path` as in its ArtifactRef), or undefined when there is none. */
  artifactFile(tenantId: string, relative: string): string | undefined {
    const root = path.resolve(this.deps.artifactsDir, tenantId);
    const file = path.resolve(root, relative);
    return file.startsWith(`${root}${path.sep}`) && existsSync(file) ? file : undefined;
  }

  /** Releases every cached client (browsers, sockets). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pendingRecords]);
    const entries = [...this.clients.entries()];
    this.clients.clear();
    await Promise.allSettled(
      entries.map(async ([key, pending]) => {
        const adapter = this.adapters.get(key.split(':')[0] ?? '');
        const client = await pending;
        await adapter?.disconnect?.(client);
      }),
    );
  }

  private classify(adapter: AnyAdapter, error: unknown, operation?: string): ToolError {
    const toolError = toToolError(error, { tool: adapter.id, ...(operation ? { operation } : {}) });
    if (error instanceof ToolError) return toolError;
    const category = adapter.classifyError?.(error);
    return category ? new ToolError(category, toolError.message, toolError.details) : toolError;
  }

  private require(tool: string): AnyAdapter {
    const adapter = this.adapters.get(tool);
    if (!adapter) {
      throw new ToolError(
        'invalid_input',
        `unknown tool "${tool}"; known tools: ${[...this.adapters.keys()].join(', ')}`,
        { tool },
      );
    }
    return adapter;
  }

  /** Limits are per tool and credential: two tenants with one token share one budget, as the vendor counts it. */
  limitKey(adapter: AnyAdapter, values: Record<string, unknown>): string {
    return `${adapter.id}:${fingerprint(adapter.credentials.secret.map((field) => values[field]))}`;
  }

  private secretsOf(adapter: AnyAdapter, values: Record<string, unknown>): string[] {
    return adapter.credentials.secret
      .map((field) => values[field])
      .filter((value): value is string => typeof value === 'string' && value.length >= 4);
  }

  private client(adapter: AnyAdapter, values: Record<string, unknown>): Promise<unknown> {
    const key = `${adapter.id}:${fingerprint(values)}`;
    let client = this.clients.get(key);
    if (!client) {
      client = Promise.resolve(
        adapter.connect(values, {
          fetch: this.transport,
          logger: this.deps.logger.child({ tool: adapter.id }),
        }),
      );
      client.catch(() => this.clients.delete(key));
      this.clients.set(key, client);
    }
    return client;
  }

  private context(
    client: unknown,
    options: { tenantId: string; tool: string; logger: Logger; hooks: InvokeHooks; idempotencyKey?: string },
  ): OperationContext<unknown> {
    const root = path.join(this.deps.artifactsDir, options.tenantId);
    return {
      client,
      tenantId: options.tenantId,
      ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
      logger: options.logger,
      heartbeat: (details) => options.hooks.heartbeat?.(details),
      signal: options.hooks.signal ?? new AbortController().signal,
      saveArtifact: async (name, data, contentType): Promise<ArtifactRef> => {
        const id = randomUUID();
        const relative = path.join(options.tool, `${id}-${name.replace(/[^\w.-]+/g, '_')}`);
        await mkdir(path.join(root, options.tool), { recursive: true });
        await writeFile(path.join(root, relative), data);
        const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
        return { id, name, contentType, size, path: relative };
      },
      artifactPath: (ref) => {
        const resolved = path.resolve(root, ref.path);
        if (!resolved.startsWith(`${root}${path.sep}`))
          throw new ToolError('invalid_input', 'artifact path outside the tenant');
        return resolved;
      },
    };
  }
}

/** Replaces every secret value in a text; vendors sometimes echo tokens back in error messages or URLs. */
export function redact(text: string, secrets: string[]): string {
  return secrets.reduce((result, secret) => result.split(secret).join('[redacted]'), text);
}
