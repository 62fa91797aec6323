import { randomBytes } from 'node:crypto';
import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
  OutsideSpecResponse,
} from '../../test/contract/contract-server.js';
import { solidPng, solidSvg } from './contract-images.js';

/** A node of the fake's files, in Figma's JSON shape. */
export type FakeNode = Record<string, unknown> & {
  id: string;
  name: string;
  type: string;
  children?: FakeNode[];
};

/** A comment as Figma stores and returns it. */
export interface FakeComment {
  id: string;
  file_key: string;
  parent_id: string;
  user: { id: string; handle: string; img_url: string };
  created_at: string;
  resolved_at: null;
  message: string;
  order_id: string | null;
  reactions: never[];
  client_meta: { x: number; y: number } | { node_id: string; node_offset: { x: number; y: number } };
}

const box = (x: number, y: number, width: number, height: number) => ({ x, y, width, height });
const white = { r: 1, g: 1, b: 1, a: 1 };

/** A FRAME with the fields the spec requires of every frame. */
function frame(
  id: string,
  name: string,
  bounds: ReturnType<typeof box>,
  children: FakeNode[] = [],
): FakeNode {
  return {
    id,
    name,
    type: 'FRAME',
    scrollBehavior: 'SCROLLS',
    blendMode: 'PASS_THROUGH',
    children,
    absoluteBoundingBox: bounds,
    absoluteRenderBounds: bounds,
    clipsContent: true,
    fills: [{ type: 'SOLID', blendMode: 'NORMAL', color: white }],
    effects: [],
  };
}

function text(id: string, name: string, characters: string, bounds: ReturnType<typeof box>): FakeNode {
  return {
    id,
    name,
    type: 'TEXT',
    scrollBehavior: 'SCROLLS',
    blendMode: 'PASS_THROUGH',
    absoluteBoundingBox: bounds,
    absoluteRenderBounds: bounds,
    fills: [{ type: 'SOLID', blendMode: 'NORMAL', color: { r: 0, g: 0, b: 0, a: 1 } }],
    effects: [],
    characters,
    style: { fontFamily: 'Inter', fontSize: 16 },
    characterStyleOverrides: [],
    styleOverrideTable: {},
    lineTypes: ['NONE'],
    lineIndentations: [0],
  };
}

function page(id: string, name: string, children: FakeNode[]): FakeNode {
  return {
    id,
    name,
    type: 'CANVAS',
    scrollBehavior: 'SCROLLS',
    children,
    backgroundColor: { r: 0.96, g: 0.96, b: 0.96, a: 1 },
    prototypeStartNodeID: null,
    flowStartingPoints: [],
    prototypeDevice: { type: 'NONE', rotation: 'NONE' },
  };
}

/** The node with its subtree cut `depth` levels down (Figma's `depth`), children lists kept. */
function cut(node: FakeNode, depth: number | undefined): FakeNode {
  if (!node.children) return node;
  if (depth === undefined) return node;
  return { ...node, children: depth <= 0 ? [] : node.children.map((child) => cut(child, depth - 1)) };
}

function find(node: FakeNode, id: string): FakeNode | undefined {
  if (node.id === id) return node;
  for (const child of node.children ?? []) {
    const found = find(child, id);
    if (found) return found;
  }
  return undefined;
}

/**
 * A Figma account with one design file in memory: two pages of frames, published components and
 * styles, comments, and rendered images served from a path on the same server (standing in for
 * Figma's image host), downloaded for real.
 */
export class FigmaFake {
  readonly token = `figd_${randomBytes(24).toString('base64url')}`;
  readonly fileKey = 'Q6dPz3ykQxPxbDzBUc9Bdv';
  readonly user = {
    id: '1400000000000000001',
    handle: 'SomaGent Bot',
    img_url: 'https://www.figma.com/img/avatar.png',
  };
  readonly document: FakeNode = {
    id: '0:0',
    name: 'Document',
    type: 'DOCUMENT',
    scrollBehavior: 'SCROLLS',
    children: [
      page('0:1', 'Screens', [
        frame('1:2', 'Login', box(0, 0, 360, 640), [
          frame('1:3', 'Header', box(0, 0, 360, 64)),
          text('1:4', 'Title', 'Sign in to SomaGent', box(24, 96, 312, 32)),
        ]),
        frame('1:5', 'Dashboard', box(400, 0, 1280, 800)),
      ]),
      page('0:2', 'Components', [frame('2:1', 'Button', box(0, 0, 120, 40))]),
    ],
  };
  readonly comments: FakeComment[] = [];
  /** Every rendered image downloaded from the fake's image host, with the request's headers. */
  readonly downloads: { path: string; headers: Record<string, string> }[] = [];
  /** How many of the next API requests get 429, and the Retry-After (seconds) they carry. */
  rateLimit = { remaining: 0, retryAfterSeconds: 1 };
  /** Set once the server listens: rendered image URLs point at it. */
  origin = '';
  private lastCommentId = 700000000;

  /** The answer for a request Figma would refuse before looking at it, if any. */
  refusal(request: ContractRequest): ContractResponse | undefined {
    if (request.headers['x-figma-token'] !== this.token)
      return { status: 403, body: { status: 403, err: 'Invalid token' } };
    if (this.rateLimit.remaining > 0) {
      this.rateLimit.remaining -= 1;
      return {
        status: 429,
        headers: { 'retry-after': String(this.rateLimit.retryAfterSeconds) },
        body: { status: 429, err: 'Rate limit exceeded' },
      };
    }
    if (request.params.file_key !== undefined && request.params.file_key !== this.fileKey) {
      // The components and styles endpoints answer 404 in their other error shape.
      return request.operationId === 'getFileComponents' || request.operationId === 'getFileStyles'
        ? { status: 404, body: { error: true, status: 404, message: 'Not found' } }
        : { status: 404, body: { status: 404, err: 'Not found' } };
    }
    return undefined;
  }

  node(id: string): FakeNode | undefined {
    return find(this.document, id);
  }

  /** Serves `/renders/<node>.<png|svg>`, the links the images endpoint hands out. */
  serveRender(request: {
    method: string;
    path: string;
    headers: Record<string, string>;
  }): OutsideSpecResponse | undefined {
    const match = /^\/renders\/[A-Za-z0-9]+\/([^/]+)\.(png|svg)$/.exec(request.path);
    if (!match || request.method !== 'GET') return undefined;
    const node = this.node(decodeURIComponent(match[1] ?? ''));
    if (!node) return { status: 404, body: 'NoSuchKey' };
    this.downloads.push({ path: request.path, headers: request.headers });
    const bounds = (node.absoluteBoundingBox as { width: number; height: number } | undefined) ?? {
      width: 16,
      height: 16,
    };
    const width = Math.max(1, Math.min(64, Math.round(bounds.width / 20)));
    const height = Math.max(1, Math.min(64, Math.round(bounds.height / 20)));
    return match[2] === 'png'
      ? {
          status: 200,
          headers: { 'content-type': 'image/png' },
          body: solidPng(width, height, [29, 78, 216]),
        }
      : {
          status: 200,
          headers: { 'content-type': 'image/svg+xml' },
          body: solidSvg(width, height, '#1D4ED8'),
        };
  }

  postComment(body: {
    message: string;
    comment_id?: string;
    client_meta?: FakeComment['client_meta'];
  }): ContractResponse {
    const parent = body.comment_id
      ? this.comments.find((comment) => comment.id === body.comment_id)
      : undefined;
    if (body.comment_id && (!parent || parent.parent_id)) {
      return {
        status: 400,
        body: { error: true, status: 400, message: 'comment_id must name a top-level comment' },
      };
    }
    const meta = body.client_meta;
    if (meta && 'node_id' in meta && !this.node(meta.node_id)) {
      return {
        status: 400,
        body: { error: true, status: 400, message: `no node ${meta.node_id} in this file` },
      };
    }
    const comment: FakeComment = {
      id: String(++this.lastCommentId),
      file_key: this.fileKey,
      parent_id: parent?.id ?? '',
      user: this.user,
      created_at: new Date().toISOString(),
      resolved_at: null,
      message: body.message,
      order_id: parent ? null : String(this.comments.filter((c) => !c.parent_id).length + 1),
      reactions: [],
      client_meta: parent?.client_meta ?? meta ?? { x: 0, y: 0 },
    };
    this.comments.push(comment);
    return { status: 200, body: comment };
  }
}

/** Handlers by operationId for the contract server, answering from the fake. */
export function figmaHandlers(fake: FigmaFake): Record<string, ContractHandler> {
  const guarded =
    (answer: (request: ContractRequest) => ContractResponse): ContractHandler =>
    (request) =>
      fake.refusal(request) ?? answer(request);
  const fileMeta = () => ({
    name: 'SomaGent app',
    role: 'owner',
    lastModified: '2026-03-01T10:00:00Z',
    editorType: 'figma',
    thumbnailUrl: 'https://s3-alpha.figma.com/thumbnails/somagent.png',
    version: '4810923846',
  });
  const published = {
    file_key: fake.fileKey,
    created_at: '2026-02-01T10:00:00Z',
    updated_at: '2026-03-01T10:00:00Z',
    user: fake.user,
  };
  return {
    getMe: guarded(() => ({ status: 200, body: { ...fake.user, email: 'bot@somagent.test' } })),
    getFile: guarded((request) => ({
      status: 200,
      body: {
        ...fileMeta(),
        document: cut(fake.document, request.query.depth as number | undefined),
        components: {
          '2:1': {
            key: 'c0ffee0000000000000000000000000000000001',
            name: 'Button',
            description: 'Primary button',
            documentationLinks: [],
            remote: false,
          },
        },
        componentSets: {},
        schemaVersion: 0,
        styles: {
          '3:1': {
            key: '5711e0000000000000000000000000000000001',
            name: 'Brand/Blue',
            description: '',
            remote: false,
            styleType: 'FILL',
          },
        },
      },
    })),
    getFileNodes: guarded((request) => {
      const depth = request.query.depth as number | undefined;
      const nodes = Object.fromEntries(
        String(request.query.ids)
          .split(',')
          .map((id) => {
            const node = fake.node(id);
            return [
              id,
              node
                ? {
                    document: cut(node, depth),
                    components: {},
                    componentSets: {},
                    schemaVersion: 0,
                    styles: {},
                  }
                : null,
            ];
          }),
      );
      return { status: 200, body: { ...fileMeta(), nodes } };
    }),
    getImages: guarded((request) => {
      const format = (request.query.format as string | undefined) ?? 'png';
      const images = Object.fromEntries(
        String(request.query.ids)
          .split(',')
          .map((id) => [
            id,
            fake.node(id)
              ? `${fake.origin}/renders/${fake.fileKey}/${encodeURIComponent(id)}.${format}`
              : null,
          ]),
      );
      return { status: 200, body: { err: null, images } };
    }),
    getComments: guarded(() => ({ status: 200, body: { comments: fake.comments } })),
    postComment: guarded((request) =>
      fake.postComment(request.body as Parameters<FigmaFake['postComment']>[0]),
    ),
    deleteComment: guarded((request) => {
      const index = fake.comments.findIndex((comment) => comment.id === request.params.comment_id);
      if (index < 0) return { status: 404, body: { status: 404, err: 'Not found' } };
      fake.comments.splice(index, 1);
      return { status: 200, body: { status: 200, error: false } };
    }),
    getFileComponents: guarded(() => ({
      status: 200,
      body: {
        status: 200,
        error: false,
        meta: {
          components: [
            {
              ...published,
              key: 'c0ffee0000000000000000000000000000000001',
              node_id: '2:1',
              name: 'Button',
              description: 'Primary button',
              thumbnail_url: 'https://s3-alpha.figma.com/thumbnails/button.png',
              containing_frame: { name: 'Button', nodeId: '2:1', pageId: '0:2', pageName: 'Components' },
            },
          ],
        },
      },
    })),
    getFileStyles: guarded(() => ({
      status: 200,
      body: {
        status: 200,
        error: false,
        meta: {
          styles: [
            {
              ...published,
              key: '5711e0000000000000000000000000000000001',
              node_id: '3:1',
              style_type: 'FILL',
              name: 'Brand/Blue',
              description: 'The primary colour',
              sort_position: 'a0',
            },
          ],
        },
      },
    })),
  };
}
