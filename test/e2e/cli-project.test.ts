import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../core/paths.js';
import { runCommand } from '../../core/system/run-command.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';

let platform: TestPlatform;
let site: Server;
let siteUrl: string;

beforeAll(async () => {
  site = createServer((req, res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<title>${req.url}</title>`),
  );
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  platform = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: path.join(packageRoot, 'test', 'capsules') });
});
afterAll(async () => {
  await platform?.stop();
  site?.close();
});

const somagent = (...args: string[]) =>
  runCommand(process.execPath, [path.join(packageRoot, 'bin', 'somagent.js'), ...args], {
    env: { PATH: process.env.PATH, SOMAGENT_URL: platform.url, SOMAGENT_API_KEY: platform.adminKey },
  });

describe('somagent project (CLI over the API)', () => {
  it('starts a project, follows its tasks to the end, then lists and shows it', async () => {
    const started = await somagent(
      'project',
      'start',
      'fan out',
      '--capsule',
      'test-fan-out',
      '--input',
      `url=${siteUrl}`,
      '--auto-approve',
      '--watch',
    );
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const id = /started (project-[0-9a-f-]+)/.exec(started.stdout)?.[1] ?? '';
    expect(id).not.toBe('');
    expect(started.stdout).toMatch(/✓ join\s+playwright\.extractText\s+completed/);
    expect(started.stdout).toMatch(new RegExp(`${id}  completed`));

    expect((await somagent('project', 'list')).stdout).toContain(id);
    expect((await somagent('project', 'show', id)).stdout).toMatch(/↷ never .* skipped/);
  });

  it('waits for approval and approves from the command line', async () => {
    const started = await somagent(
      'project',
      'start',
      'fan out',
      '--capsule',
      'test-fan-out',
      '--input',
      `url=${siteUrl}`,
      '--watch',
    );
    expect(started.stdout).toContain('awaiting_approval');
    const id = /started (project-[0-9a-f-]+)/.exec(started.stdout)?.[1] ?? '';
    expect((await somagent('project', 'approve', id)).stdout).toContain(`approved ${id}`);
    expect((await somagent('project', 'show', id, '--watch')).stdout).toContain(`${id}  completed`);
  });

  it('explains API errors plainly and exits non-zero', async () => {
    const result = await somagent('project', 'start', 'x', '--capsule', 'nope');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('422: Invalid body field "capsule": no capsule "nope"');
  });
});
