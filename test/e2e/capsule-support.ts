import { expect } from 'vitest';
import { eventually, type TestPlatform } from '../harness/test-platform.js';

/** A project as GET /v1/projects/{id} answers it (the fields the capsule tests read). */
export interface ProjectBody {
  id: string;
  status: string;
  error?: string;
  plan?: {
    capsules: { id: string }[];
    tasks: { id: string; needs: string[] }[];
    inputs: Record<string, unknown>;
    missing: string[];
    notes?: string[];
  };
  tasks: Record<
    string,
    {
      status: string;
      output?: unknown;
      error?: string;
      reason?: string;
      startedAt?: string;
      finishedAt?: string;
    }
  >;
  outputs?: Record<string, unknown>;
}

/**
 * A tenant of the test's own with an admin key, and each tool's credentials stored through
 * PUT /v1/tools/{id}/credentials (pointing at the test's servers); returns the key.
 */
export async function startTenant(
  platform: TestPlatform,
  name: string,
  credentials: Record<string, Record<string, unknown>>,
): Promise<string> {
  const tenant = `${name}-${Date.now()}`;
  const made = await platform.call('/v1/tenants', { method: 'POST', json: { id: tenant, name } });
  expect(made.status).toBe(201);
  const key = (
    (await (
      await platform.call('/v1/api-keys', { method: 'POST', json: { name, role: 'admin', tenantId: tenant } })
    ).json()) as { key: string }
  ).key;
  for (const [tool, values] of Object.entries(credentials)) {
    const stored = await platform.call(`/v1/tools/${tool}/credentials`, { method: 'PUT', key, json: values });
    expect(stored.status, `${tool} credentials: ${await stored.clone().text()}`).toBeLessThan(300);
  }
  return key;
}

/** Polls the project until it reaches a final status. */
export const untilFinished = (platform: TestPlatform, key: string, id: string, timeoutMs = 120_000) =>
  eventually(async () => {
    const body = (await (await platform.call(`/v1/projects/${id}`, { key })).json()) as ProjectBody;
    return ['completed', 'failed', 'cancelled', 'expired'].includes(body.status) ? body : undefined;
  }, timeoutMs);

/** An adapter's credentials from the environment its test server hands out (AZURE_TENANT_ID -> tenantId). */
export function credentialsFromEnv(
  adapter: { credentials: { env: Record<string, string> } },
  env: Record<string, string>,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(adapter.credentials.env)
      .filter(([, variable]) => env[variable] !== undefined)
      .map(([field, variable]) => [field, env[variable] ?? '']),
  );
}
