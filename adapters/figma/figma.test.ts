import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startContractServer, type ContractServer } from '../../test/contract/contract-server.js';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { FigmaFake, figmaHandlers } from './contract-handlers.js';
import { figmaContractSpec } from './contract-spec.js';
import { figmaAdapter } from './index.js';
import { toolErrorOf } from '../../test/harness/tool-error.js';

/** A Figma account fake behind the contract server, rendered images served on the same socket. */
async function startFigma() {
  const fake = new FigmaFake();
  const server = await startContractServer({
    spec: await figmaContractSpec(),
    handlers: figmaHandlers(fake),
    serveOutsideSpec: (request) => fake.serveRender(request),
  });
  fake.origin = server.origin;
  servers.push(server);
  return { fake, server, env: { FIGMA_TOKEN: fake.token, FIGMA_API_URL: server.url } };
}

// Every exchange of every test, conformance included, must keep to Figma's spec.
const servers: ContractServer[] = [];
afterEach(() => {
  // Taken out as they are checked, so one test's violation does not fail the tests after it.
  for (const server of servers) expect(server.violations.splice(0)).toEqual([]);
});

let conformanceFake: FigmaFake | undefined;
const fileKey = new FigmaFake().fileKey;

testAdapter({
  adapter: figmaAdapter,
  tier: 'contract server: @figma/rest-api-spec',
  start: async () => {
    const { fake, server, env } = await startFigma();
    conformanceFake = fake;
    return { env, stop: () => server.stop() };
  },
  read: { operation: 'getFile', input: { fileKey } },
  write: {
    operation: 'postComment',
    input: { fileKey, message: 'Conformance comment', nodeId: '1:2' },
    count: async () => conformanceFake?.comments.length ?? 0,
    identify: (output) => (output as { id: string }).id,
  },
  notFound: { operation: 'getFile', input: { fileKey: 'NoSuchFileKey0000000000' } },
  badEnv: { FIGMA_TOKEN: 'figd_not_a_token_figma_knows' },
});

describe('figma adapter against the contract server (@figma/rest-api-spec)', () => {
  let fake: FigmaFake;
  let server: ContractServer;
  let tools: TestToolRuntime;
  const call = async <T>(operation: string, input: unknown, idempotencyKey?: string) =>
    (
      await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'figma',
        operation,
        input,
        ...(idempotencyKey ? { idempotencyKey } : {}),
      })
    ).output as T;
  const lastCall = (operationId: string) =>
    server.calls.filter((entry) => entry.operationId === operationId).at(-1);

  beforeAll(async () => {
    ({ fake, server } = await startFigma());
    tools = createTestToolRuntime([figmaAdapter], { FIGMA_TOKEN: fake.token, FIGMA_API_URL: server.url });
  });
  afterAll(async () => {
    await tools?.close();
    await server?.stop();
  });

  it('summarises a file as a flat node list, to the depth asked, with the token in X-Figma-Token', async () => {
    const file = await call<{
      name: string;
      nodes: { name: string; depth: number; childCount: number }[];
      componentCount: number;
      truncated: boolean;
    }>('getFile', { fileKey: `https://www.figma.com/design/${fileKey}/SomaGent-app?node-id=1-2` });
    expect(file).toMatchObject({ name: 'SomaGent app', componentCount: 1, truncated: false });
    expect(file.nodes.map((node) => [node.name, node.depth])).toEqual([
      ['Document', 0],
      ['Screens', 1],
      ['Login', 2],
      ['Dashboard', 2],
      ['Components', 1],
      ['Button', 2],
    ]);
    expect(lastCall('getFile')).toMatchObject({
      path: `/v1/files/${fileKey}`,
      query: { depth: 2 },
      headers: { 'x-figma-token': fake.token },
    });

    const deep = await call<{ nodes: { name: string; text?: string }[] }>('getFile', { fileKey, depth: 4 });
    expect(deep.nodes.find((node) => node.name === 'Title')).toMatchObject({ text: 'Sign in to SomaGent' });
    const cut = await call<{ nodes: unknown[]; truncated: boolean }>('getFile', {
      fileKey,
      depth: 4,
      maxNodes: 3,
    });
    expect(cut).toMatchObject({ truncated: true, nodes: { length: 3 } });
  });

  it('reads nodes by id (and by the 1-2 form of URLs), reporting ids the file lacks', async () => {
    const answer = await call<{
      nodes: { id: string; nodes: { name: string; parentId: string | null }[] }[];
      missing: string[];
    }>('getNodes', { fileKey, ids: ['1:2', '1-5', '9:9'] });
    expect(answer.missing).toEqual(['9:9']);
    expect(answer.nodes.map((node) => [node.id, node.nodes.map((child) => child.name)])).toEqual([
      ['1:2', ['Login', 'Header', 'Title']],
      ['1:5', ['Dashboard']],
    ]);
    expect(answer.nodes[0]?.nodes[1]?.parentId).toBe('1:2');
    expect(lastCall('getFileNodes')?.query).toEqual({ ids: '1:2,1:5,9:9' });
  });

  it('renders frames as PNG, downloads each image without the token and keeps it as an artifact', async () => {
    const beats: unknown[] = [];
    const { output } = await tools.runtime.invoke(
      {
        tenantId: 'default',
        tool: 'figma',
        operation: 'exportImages',
        input: { fileKey, ids: ['1:2', '1:5', '9:9'], scale: 2 },
      },
      { heartbeat: (details) => beats.push(details) },
    );
    const exported = output as {
      images: { nodeId: string; artifact: { path: string; contentType: string; size: number } }[];
      failed: { nodeId: string }[];
    };
    expect(lastCall('getImages')?.query).toEqual({ ids: '1:2,1:5,9:9', format: 'png', scale: 2 });
    expect(exported.failed.map((entry) => entry.nodeId)).toEqual(['9:9']);
    expect(exported.images.map((image) => [image.nodeId, image.artifact.contentType])).toEqual([
      ['1:2', 'image/png'],
      ['1:5', 'image/png'],
    ]);
    const first = exported.images[0]?.artifact;
    const png = await readFile(
      path.join(os.tmpdir(), 'somagent-test-artifacts', 'default', first?.path ?? ''),
    );
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.length).toBe(first?.size);
    expect(png.readUInt32BE(16)).toBe(18); // the Login frame is 360 wide; the fake renders 1 px per 20
    expect(fake.downloads).toHaveLength(2);
    expect(fake.downloads.every((download) => download.headers['x-figma-token'] === undefined)).toBe(true);
    expect(beats).toEqual([
      { downloaded: 1, of: 3 },
      { downloaded: 2, of: 3 },
    ]);
  });

  it('renders SVG (without a scale, which SVGs ignore)', async () => {
    const exported = await call<{ images: { artifact: { path: string; name: string } }[] }>('exportImages', {
      fileKey,
      ids: ['2:1'],
      format: 'svg',
    });
    expect(lastCall('getImages')?.query).toEqual({ ids: '2:1', format: 'svg' });
    const svg = await readFile(
      path.join(os.tmpdir(), 'somagent-test-artifacts', 'default', exported.images[0]?.artifact.path ?? ''),
      'utf8',
    );
    expect(svg).toMatch(/^<svg width="6" height="2"/);
    expect(exported.images[0]?.artifact.name).toBe(`${fileKey}-2-1.svg`);
  });

  it('posts a pinned comment and a reply, finds an interrupted post again, and deletes as compensation', async () => {
    const key = `wf-1:comment-${Date.now()}`;
    const input = { fileKey, message: 'Header looks cramped', nodeId: '1:3', offset: { x: 12, y: 8 } };
    const posted = await call<{ id: string; nodeId: string; orderId: string }>('postComment', input, key);
    expect(posted).toMatchObject({ nodeId: '1:3', orderId: expect.any(String) });
    expect(lastCall('postComment')?.body).toEqual({
      message: 'Header looks cramped',
      client_meta: { node_id: '1:3', node_offset: { x: 12, y: 8 } },
    });

    await tools.pool.query(
      "update tool_side_effects set status = 'started', output = null where tenant_id = 'default' and idempotency_key = $1",
      [key],
    );
    const retried = await tools.runtime.invoke({
      tenantId: 'default',
      tool: 'figma',
      operation: 'postComment',
      input,
      idempotencyKey: key,
    });
    expect(retried).toMatchObject({ replayed: true, output: { id: posted.id } });
    expect(fake.comments.filter((comment) => comment.message === 'Header looks cramped')).toHaveLength(1);

    const reply = await call<{ parentId: string; nodeId: string }>('postComment', {
      fileKey,
      message: 'Agreed',
      replyTo: posted.id,
      nodeId: '1:2',
    });
    expect(reply).toMatchObject({ parentId: posted.id, nodeId: '1:3' });
    expect(lastCall('postComment')?.body).toEqual({ message: 'Agreed', comment_id: posted.id });

    const compensation = figmaAdapter.operations.postComment?.compensate;
    expect(compensation?.operation).toBe('deleteComment');
    expect(await call('deleteComment', compensation?.input(input, posted))).toEqual({
      commentId: posted.id,
      deleted: true,
    });
    expect(fake.comments.some((comment) => comment.id === posted.id)).toBe(false);
    expect(await call('deleteComment', { fileKey, commentId: posted.id })).toEqual({
      commentId: posted.id,
      deleted: false,
    });
  });

  it("lists a library file's published components and styles", async () => {
    expect(await call('listComponents', { fileKey })).toEqual({
      components: [
        {
          key: 'c0ffee0000000000000000000000000000000001',
          name: 'Button',
          description: 'Primary button',
          nodeId: '2:1',
          thumbnailUrl: 'https://s3-alpha.figma.com/thumbnails/button.png',
          frameName: 'Button',
          pageName: 'Components',
          updatedAt: '2026-03-01T10:00:00Z',
        },
      ],
    });
    expect(await call('listStyles', { fileKey })).toEqual({
      styles: [
        {
          key: '5711e0000000000000000000000000000000001',
          name: 'Brand/Blue',
          styleType: 'FILL',
          description: 'The primary colour',
          nodeId: '3:1',
          updatedAt: '2026-03-01T10:00:00Z',
        },
      ],
    });
    const missing = await toolErrorOf(call('listStyles', { fileKey: 'NoSuchFileKey0000000000' }));
    expect(missing.category).toBe('not_found');
  });

  it('maps 403 "Invalid token" to auth and 429 to rate_limited with Retry-After', async () => {
    const bad = createTestToolRuntime([figmaAdapter], {
      FIGMA_TOKEN: 'figd_revoked',
      FIGMA_API_URL: server.url,
    });
    try {
      const denied = await toolErrorOf(
        bad.runtime.invoke({
          tenantId: 'default',
          tool: 'figma',
          operation: 'listStyles',
          input: { fileKey },
        }),
      );
      expect(denied).toMatchObject({ category: 'auth', retryable: false, details: { status: 403 } });
    } finally {
      await bad.close();
    }
    fake.rateLimit = { remaining: 1, retryAfterSeconds: 1 };
    const limited = await toolErrorOf(call('listComponents', { fileKey }));
    expect(limited).toMatchObject({ category: 'rate_limited', details: { status: 429, retryAfterMs: 1000 } });
    // The pause holds every worker on this token; the next call waits it out and succeeds.
    const started = Date.now();
    await call('listComponents', { fileKey });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});

const liveToken = process.env.FIGMA_TOKEN;
const liveFile = process.env.FIGMA_LIVE_FILE_KEY;
describe.skipIf(!liveToken)('figma adapter live (FIGMA_TOKEN set; read-only)', () => {
  it('reaches Figma, and reads the file in FIGMA_LIVE_FILE_KEY when set', async () => {
    const tools = createTestToolRuntime([figmaAdapter], process.env as Record<string, string>);
    try {
      expect(await tools.runtime.checkConnection('default', 'figma')).toEqual({ reachable: true });
      if (!liveFile) return;
      const invoke = (operation: string, input: unknown) =>
        tools.runtime.invoke({ tenantId: 'default', tool: 'figma', operation, input });
      const { output } = await invoke('getFile', { fileKey: liveFile, depth: 1 });
      const [firstPage] = (output as { nodes: { id: string; depth: number }[] }).nodes.filter(
        (node) => node.depth === 1,
      );
      if (firstPage) await invoke('getNodes', { fileKey: liveFile, ids: [firstPage.id], depth: 1 });
      await invoke('listComponents', { fileKey: liveFile });
      await invoke('listStyles', { fileKey: liveFile });
    } finally {
      await tools.close();
    }
  });
});
if (!liveToken) {
  console.info(
    'figma live test skipped: set FIGMA_TOKEN (a personal access token), and FIGMA_LIVE_FILE_KEY to read a file',
  );
}
