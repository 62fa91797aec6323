import { generateKeyPair, exportSPKI, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

const jwtSecret = 'a-test-hs256-secret-that-is-long-enough-0123456789';
let platform: TestPlatform;
let otherTenantKey: string;
let memberKey: string;

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: { in: string; path: string; message: string }[];
}

async function problem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  const body = (await response.json()) as Problem;
  expect(body).toMatchObject({ status, type: expect.stringMatching(/^urn:somagent:problem:/) });
  expect(body.requestId).toBe(response.headers.get('x-request-id'));
  return body;
}

beforeAll(async () => {
  platform = await startTestPlatform({ SOMAGENT_JWT_SECRET: jwtSecret, SOMAGENT_BODY_LIMIT: '16kb' });
  const tenant = `t-${Date.now()}`;
  expect(
    (await platform.call('/v1/tenants', { method: 'POST', json: { id: tenant, name: 'Other' } })).status,
  ).toBe(201);
  const created = await platform.call('/v1/api-keys', {
    method: 'POST',
    json: { name: 'other admin', role: 'admin', tenantId: tenant },
  });
  otherTenantKey = ((await created.json()) as { key: string }).key;
  const member = await platform.call('/v1/api-keys', {
    method: 'POST',
    json: { name: 'member', role: 'member' },
  });
  memberKey = ((await member.json()) as { key: string }).key;
});
afterAll(async () => {
  await platform?.stop();
});

describe('bad input gets one problem+json shape, and nothing crashes', () => {
  it('404 for an unknown route', async () => {
    const body = await problem(await platform.call('/v1/nothing-here'), 404);
    expect(body.detail).toContain('GET /v1/nothing-here');
  });

  it('400 for malformed JSON', async () => {
    const response = await platform.call('/v1/jobs', {
      method: 'POST',
      body: '{"type": "echo",',
      headers: { 'Content-Type': 'application/json' },
    });
    expect((await problem(response, 400)).detail).toMatch(/not valid JSON/);
  });

  it('413 for a body over the limit', async () => {
    const response = await platform.call('/v1/jobs', {
      method: 'POST',
      json: { type: 'echo', input: { blob: 'x'.repeat(20_000) } },
    });
    expect((await problem(response, 413)).detail).toMatch(/larger than the limit/);
  });

  it('415 for a body that is not JSON', async () => {
    const response = await platform.call('/v1/jobs', {
      method: 'POST',
      body: 'type=echo',
      headers: { 'Content-Type': 'text/plain' },
    });
    await problem(response, 415);
  });

  it('422 naming a missing field', async () => {
    const body = await problem(await platform.call('/v1/jobs', { method: 'POST', json: { input: {} } }), 422);
    expect(body.errors).toContainEqual(expect.objectContaining({ in: 'body', path: 'type' }));
    expect(body.detail).toContain('"type"');
  });

  it('422 naming an unknown job type and the known ones', async () => {
    const body = await problem(
      await platform.call('/v1/jobs', { method: 'POST', json: { type: 'nope' } }),
      422,
    );
    expect(body.errors?.[0]).toMatchObject({ path: 'type', message: expect.stringContaining('echo') });
  });

  it('422 naming a wrong field inside the job input', async () => {
    const response = await platform.call('/v1/jobs', {
      method: 'POST',
      json: { type: 'jobs.prune', input: { olderThanDays: 0 } },
    });
    const body = await problem(response, 422);
    expect(body.errors?.[0]).toMatchObject({ in: 'body', path: 'input.olderThanDays' });
    const { rows } = await platform.resources.pool.query(
      "select 1 from jobs where type = 'jobs.prune' and input = $1",
      [JSON.stringify({ olderThanDays: 0 })],
    );
    expect(rows).toHaveLength(0);
  });

  it('401 with no credential, and with an unknown key', async () => {
    const none = await problem(await platform.call('/v1/me', { key: null }), 401);
    expect(none.detail).toMatch(/Authorization: Bearer/);
    const unknown = await platform.call('/v1/me', { key: 'sg_not-a-real-key' });
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer/);
    await problem(unknown, 401);
  });

  it('403 when the role is too weak', async () => {
    const response = await platform.call('/v1/api-keys', {
      method: 'POST',
      key: memberKey,
      json: { name: 'x', role: 'admin' },
    });
    expect((await problem(response, 403)).detail).toMatch(/admin role/);
  });

  it("404 for another tenant's job", async () => {
    const started = await platform.call('/v1/jobs', {
      method: 'POST',
      json: { type: 'echo', input: { secret: 1 } },
    });
    const { id } = (await started.json()) as { id: string };
    expect((await platform.call(`/v1/jobs/${id}`)).status).toBe(200);
    await problem(await platform.call(`/v1/jobs/${id}`, { key: otherTenantKey }), 404);
    const me = (await (await platform.call('/v1/me', { key: otherTenantKey })).json()) as {
      tenantId: string;
    };
    expect(me.tenantId).toMatch(/^t-/);
  });

  it('stores API keys hashed, never in plain text', async () => {
    const { rows } = await platform.resources.pool.query<{ key_hash: Buffer; key_prefix: string }>(
      'select key_hash, key_prefix from api_keys',
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const row of rows) {
      expect(row.key_hash).toHaveLength(32);
      expect(row.key_hash.toString('utf8')).not.toContain('sg_');
    }
  });
});

describe('JWTs signed by the configured key', () => {
  const sign = (claims: Record<string, unknown>, expires = '5m') =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime(expires)
      .sign(new TextEncoder().encode(jwtSecret));

  it('accepts a valid token and scopes the caller to its tenant and role', async () => {
    const token = await sign({ sub: 'user-1', tenant: 'default', role: 'operator' });
    const response = await platform.call('/v1/me', { key: token });
    expect(await response.json()).toEqual({
      tenantId: 'default',
      role: 'operator',
      subject: 'user-1',
      via: 'jwt',
    });
  });

  it('rejects an expired token, a token with a wrong signature, and one without a tenant', async () => {
    const expired = await sign({ sub: 'u', tenant: 'default' }, '-1m');
    expect((await problem(await platform.call('/v1/me', { key: expired }), 401)).detail).toMatch(/expired/);
    const forged = await new SignJWT({ sub: 'u', tenant: 'default', role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('another-secret-of-enough-length-0123456789'));
    await problem(await platform.call('/v1/me', { key: forged }), 401);
    await problem(await platform.call('/v1/me', { key: await sign({ sub: 'u' }) }), 401);
  });

  it('verifies RS256 tokens against a configured public key', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const rsaPlatform = await startTestPlatform({ SOMAGENT_JWT_PUBLIC_KEY: await exportSPKI(publicKey) });
    try {
      const token = await new SignJWT({ sub: 'svc', tenant: 'default' })
        .setProtectedHeader({ alg: 'RS256' })
        .setExpirationTime('5m')
        .sign(privateKey);
      const response = await rsaPlatform.call('/v1/me', { key: token });
      expect(await response.json()).toMatchObject({ tenantId: 'default', role: 'member', via: 'jwt' });
    } finally {
      await rsaPlatform.stop();
    }
  });
});
