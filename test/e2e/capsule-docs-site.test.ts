import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GithubFake } from '../../adapters/github/contract-fake.js';
import { startGithubContract } from '../../adapters/github/contract-handlers.js';
import {
  NOTION_TEST_TOKEN_PREFIX,
  createNotionFake,
  type NotionFake,
} from '../../adapters/notion/contract-handlers.js';
import { ensureTerraformToolchain } from '../../infra/ensure-terraform-toolchain.js';
import { startContractServer, type ContractServer } from '../contract/contract-server.js';
import { expectNoViolationsAfterEach } from '../contract/no-violations.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * The docs-site capsule from its sample brief, through the API: GitHub and Notion on their
 * contract servers, the sandbox stack applied by the real Terraform CLI into a directory of this
 * test, where the file it writes is read back.
 */
const brief =
  'Set up a documentation site for our SDK: new repository with a docs skeleton, a Terraform stack for static hosting, and a Notion page linking everything.';
const githubToken = 'ghp_docsSiteContractToken000000000000001';
const login = 'docs-bot';

let platform: TestPlatform;
let key: string;
let github: { server: ContractServer; fake: GithubFake };
let notion: { server: ContractServer; fake: NotionFake };
let parentPageId: string;
let hostingDirectory: string;

// Cold, the Terraform toolchain takes minutes to build (scripts/setup/terraform.sh); warm, it is found at once.
beforeAll(() => ensureTerraformToolchain().then(() => undefined), 30 * 60_000);

beforeAll(async () => {
  hostingDirectory = await mkdtemp(path.join(os.tmpdir(), 'somagent-docs-site-'));
  const notionFake = createNotionFake();
  const { 'create-database': _createDatabase, ...notionHandlers } = notionFake.handlers;
  const [githubStarted, notionServer, started] = await Promise.all([
    startGithubContract({ users: { [githubToken]: login } }),
    startContractServer({ vendor: 'notion', handlers: notionHandlers }),
    startTestPlatform(),
  ]);
  github = githubStarted;
  notion = { server: notionServer, fake: notionFake };
  platform = started;
  parentPageId = notionFake.seedPage('Engineering');

  key = await startTenant(platform, 'docs-site', {
    github: { token: githubToken, baseUrl: github.server.url },
    notion: { token: `${NOTION_TEST_TOKEN_PREFIX}${randomUUID()}`, baseUrl: notion.server.url },
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await Promise.all([github?.server.stop(), notion?.server.stop()]);
  if (hostingDirectory) await rm(hostingDirectory, { recursive: true, force: true });
});

// Every request the adapters sent and every answer of the fakes kept the vendors' schemas.
expectNoViolationsAfterEach(() => [github.server, notion.server]);

const finished = (id: string) => untilFinished(platform, key, id, 180_000);

const textOf = (body: Record<string, unknown>) =>
  ((body.rich_text ?? []) as { plain_text: string }[]).map((part) => part.plain_text).join('');

describe('docs-site capsule', () => {
  it('creates the docs repository, applies the hosting stack with Terraform and links both from a Notion page', async () => {
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: { brief, inputs: { notionParentPageId: parentPageId, hostingDirectory }, autoApprove: true },
    });
    expect(created.status).toBe(202);
    const done = await finished(((await created.json()) as { id: string }).id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['docs-site']);
    expect(done.plan?.inputs).toMatchObject({ name: 'sdk-docs', hostingDirectory });

    // GitHub: the repository, whose head commit added the MkDocs skeleton on top of the README.
    expect(github.server.count('repos/create-for-authenticated-user')).toBe(1);
    expect(github.server.count('git/create-commit')).toBe(1);
    const repo = github.fake.repo(login, 'sdk-docs');
    const head = github.fake.commit(repo.refs.get('refs/heads/main') ?? '');
    expect(head.message).toBe('Add the docs skeleton');
    const tree = github.fake.tree(head.tree);
    expect([...tree.keys()].sort()).toEqual([
      'README.md',
      'docs/getting-started.md',
      'docs/index.md',
      'mkdocs.yml',
    ]);
    const file = (name: string) => github.fake.blobs.get(tree.get(name)?.sha ?? '')?.toString('utf8') ?? '';
    expect(file('mkdocs.yml')).toContain('site_name: SDK documentation');
    expect(file('mkdocs.yml')).toContain('repo_url: https://github.com/docs-bot/sdk-docs');
    expect(file('docs/index.md')).toMatch(/^# SDK documentation\n/);

    // Terraform: the sandbox stack's file, written by the real CLI where the capsule was told.
    const stackOutputs = done.outputs?.stackOutputs as Record<string, string>;
    expect(stackOutputs.file_path).toBeDefined();
    expect(path.dirname(stackOutputs.file_path ?? '')).toBe(hostingDirectory);
    expect(existsSync(stackOutputs.file_path ?? '')).toBe(true);
    expect(JSON.parse(await readFile(stackOutputs.file_path ?? '', 'utf8'))).toMatchObject({
      label: 'sdk-docs',
      pet: stackOutputs.pet_name,
      suffix: stackOutputs.suffix_hex,
    });
    expect(done.tasks.hosting?.output).toMatchObject({ resources: { added: 4, changed: 0, destroyed: 0 } });

    // Notion: one page under the given parent linking the repository, the commit and the stack's outputs.
    expect(notion.fake.created).toHaveLength(1);
    const pageId = notion.fake.created[0] ?? '';
    expect(notion.fake.titleOf(pageId)).toBe('SDK documentation');
    expect(notion.fake.pages.get(pageId)?.parent).toMatchObject({ type: 'page_id', page_id: parentPageId });
    const blocks = (notion.fake.children.get(pageId) ?? []).map((blockId) => notion.fake.blocks.get(blockId));
    const texts = blocks.map((block) => textOf(block?.body ?? {}));
    expect(texts).toContain('Repository: https://github.com/docs-bot/sdk-docs');
    expect(texts.some((text) => text.startsWith('Docs skeleton commit: ') && text.includes(head.sha))).toBe(
      true,
    );
    expect(texts).toContain(`Terraform workspace: ${String(done.outputs?.workspace)} (stack sandbox)`);
    const code = blocks.find((block) => block?.type === 'code');
    expect(JSON.parse(textOf(code?.body ?? {}))).toEqual(stackOutputs);

    expect(done.outputs).toMatchObject({
      repository: 'https://github.com/docs-bot/sdk-docs',
      docsCommit: head.sha,
      page: expect.stringContaining(pageId.replace(/-/g, '')),
    });
  });
});
