import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, isPortOpen, waitFor } from '../../core/net.js';
import { findExecutable } from '../../core/system/find-executable.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.stop();
});

describe('health, readiness, metrics and docs', () => {
  it('answers liveness and readiness with every dependency checked', async () => {
    expect(await (await platform.call('/health', { key: null })).json()).toEqual({ status: 'ok' });
    const ready = await platform.call('/ready', { key: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { temporal: 'ok', postgres: 'ok', redis: 'ok' },
    });
    expect(await (await platform.call('/v1/health/redis')).json()).toEqual({ status: 'ok' });
  });

  it('serves Prometheus metrics', async () => {
    const response = await platform.call('/metrics', { key: null });
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE somagent_http_request_duration_seconds histogram');
    expect(text).toContain('# TYPE somagent_workflow_starts_total counter');
    expect(text).toContain('# TYPE somagent_activity_outcomes_total counter');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('publishes an OpenAPI 3.1 document generated from the route schemas, and interactive docs', async () => {
    const document = (await (await platform.call('/openapi.json', { key: null })).json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(document.openapi).toBe('3.1.0');
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/ready',
        '/v1/jobs',
        '/v1/jobs/{id}',
        '/v1/job-types',
        '/v1/health/redis',
      ]),
    );
    expect(Object.keys(document.paths['/v1/jobs']?.post?.responses ?? {})).toEqual(
      expect.arrayContaining(['202', '401', '409', '422']),
    );
    expect(document.components.schemas).toHaveProperty('Problem');
    expect(document.components.schemas).toHaveProperty('Job');
    const docs = await platform.call('/docs/', { key: null });
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
  });

  it("carries a request id: the caller's, or a new one", async () => {
    const mine = await platform.call('/health', { key: null, headers: { 'X-Request-Id': 'trace-abc-123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-abc-123');
    const generated = await platform.call('/health', { key: null });
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('readiness when Redis goes away', () => {
  it('answers 503 naming Redis, keeps serving, and recovers when Redis is back', async () => {
    const binary = findExecutable('redis-server', ['/usr/bin']);
    if (!binary) throw new Error('redis-server is not installed');
    const port = await freePort();
    const startRedis = () =>
      spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], { stdio: 'ignore' });
    let redis = startRedis();
    await waitFor('redis', () => isPortOpen(port), 10_000);
    const own = await startTestPlatform({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      expect((await own.call('/ready', { key: null })).status).toBe(200);
      redis.kill('SIGKILL');
      await waitFor('redis down', async () => !(await isPortOpen(port)), 10_000);

      const ready = await own.call('/ready', { key: null });
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { detail: string; checks: Record<string, string> };
      expect(body.detail).toBe('Not ready: redis is unavailable.');
      expect(body.checks).toEqual({ temporal: 'ok', postgres: 'ok', redis: 'unavailable' });
      const redisHealth = await own.call('/v1/health/redis');
      expect(redisHealth.status).toBe(503);
      expect(await redisHealth.json()).toEqual({ status: 'unavailable' });
      expect((await own.call('/health', { key: null })).status).toBe(200);

      redis = startRedis();
      await waitFor('redis back', () => isPortOpen(port), 10_000);
      await waitFor(
        'ready again',
        async () => (await own.call('/ready', { key: null })).status === 200,
        15_000,
      );
    } finally {
      redis.kill('SIGKILL');
      await own.stop();
    }
  });
});
