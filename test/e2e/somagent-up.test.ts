import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../core/net.js';
import { packageRoot } from '../../core/paths.js';
import { scratchDir } from '../../embedded/scratch-dir.js';
import { eventually } from '../harness/test-platform.js';

/**
 * The README's run command as a user runs it: `somagent up` with nothing configured but ports,
 * starting its own Temporal, PostgreSQL and Redis, then Ctrl-C, then a second start.
 */
const dataDir = scratchDir('somagent-up-');
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function up(ports: { api: number; temporal: number; ui: number }) {
  const child = spawn(process.execPath, [path.join(packageRoot, 'bin', 'somagent.js'), 'up'], {
    cwd: packageRoot,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      SOMAGENT_DATA_DIR: dataDir,
      SOMAGENT_PORT: String(ports.api),
      TEMPORAL_PORT: String(ports.temporal),
      TEMPORAL_UI_PORT: String(ports.ui),
      SOMAGENT_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const started = performance.now();
  await Promise.race([
    eventually(async () => (output.includes('Press Ctrl-C to stop.') ? true : undefined), 120_000),
    exited.then((code) => {
      throw new Error(`somagent up exited with ${code}:\n${output}`);
    }),
  ]);
  return { child, exited, output: () => output, seconds: (performance.now() - started) / 1000 };
}

describe('somagent up on embedded defaults', () => {
  it('runs the platform, survives a restart with its data, and stops cleanly on Ctrl-C', async () => {
    const ports = { api: await freePort(), temporal: await freePort(), ui: await freePort() };
    const api = `http://127.0.0.1:${ports.api}`;
    const first = await up(ports);
    console.log(`cold start of somagent up to ready: ${first.seconds.toFixed(1)}s`);
    expect(first.output()).toContain(`API            ${api}`);
    expect(first.output()).toContain(`API docs       ${api}/docs`);
    expect(first.output()).toContain(
      `Temporal UI    http://127.0.0.1:${ports.ui}/namespaces/somagent/workflows`,
    );
    expect((await fetch(`${api}/ready`)).status).toBe(200);

    const adminKey = readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim();
    expect(adminKey).toMatch(/^sg_/);
    const auth = { Authorization: `Bearer ${adminKey}` };
    const created = await fetch(`${api}/v1/jobs`, {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'echo', input: { survives: 'restart' } }),
    });
    const { id } = (await created.json()) as { id: string };
    await eventually(async () => {
      const job = (await (await fetch(`${api}/v1/jobs/${id}`, { headers: auth })).json()) as {
        status: string;
      };
      return job.status === 'completed' ? true : undefined;
    });
    const ui = await fetch(`http://127.0.0.1:${ports.ui}/namespaces/somagent/workflows`);
    expect(ui.status).toBe(200);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);

    const second = await up(ports);
    expect(readFileSync(path.join(dataDir, 'admin.key'), 'utf8').trim()).toBe(adminKey);
    const job = (await (await fetch(`${api}/v1/jobs/${id}`, { headers: auth })).json()) as {
      status: string;
      result: unknown;
    };
    expect(job).toMatchObject({ status: 'completed', result: { survives: 'restart' } });
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
