import type {
  ContractHandler,
  ContractRequest,
  ContractResponse,
} from '../../test/contract/contract-server.js';

/**
 * Test support: a small Confluence site (spaces and pages with versions) in memory behind the
 * contract server, which checks every request and answer against Atlassian's REST v2 OpenAPI
 * document. Only what v2 covers is here: v1 (attachments, labels, CQL search) has no schema at hand.
 *
 * The v2 document declares its 400/401/404 answers with no body (`content: {}`), so these
 * answers carry none, although the real service sends a JSON error; the adapter reads only the
 * status. Titles are unique among a space's current pages and a stale version is a 409, as on Cloud.
 */

export const CONFLUENCE_TEST_EMAIL = 'bot@example.com';
export const CONFLUENCE_TEST_TOKEN = 'ATATT-contract-api-token-for-tests';

export interface ConfluencePageRecord {
  id: string;
  spaceId: string;
  title: string;
  parentId?: string;
  status: 'current' | 'draft' | 'trashed';
  body: string;
  version: number;
  createdAt: string;
  labels: string[];
}

export interface ConfluenceFake {
  handlers: Record<string, ContractHandler>;
  spaces: Map<string, { id: string; key: string; name: string }>;
  pages: Map<string, ConfluencePageRecord>;
  /** Versions written by updatePage (each PUT that was accepted): what an update costs, counted on the server. */
  versionsWritten: number;
  /** Answers the next request of an operation with this response instead (a 409, a 429). */
  answerNext(operationId: string, response: ContractResponse): void;
  seedSpace(key: string): string;
  seedPage(spaceId: string, title: string, body?: string, labels?: string[]): ConfluencePageRecord;
}

const basic = `Basic ${Buffer.from(`${CONFLUENCE_TEST_EMAIL}:${CONFLUENCE_TEST_TOKEN}`).toString('base64')}`;

export function createConfluenceFake(): ConfluenceFake {
  let nextId = 98000;
  const id = () => String((nextId += 17));
  const spaces = new Map<string, { id: string; key: string; name: string }>();
  const pages = new Map<string, ConfluencePageRecord>();
  const pending = new Map<string, ContractResponse[]>();
  const fake = { versionsWritten: 0 } as ConfluenceFake;

  const status = (code: number): ContractResponse => ({ status: code });
  const bodyOf = (request: ContractRequest) => (request.body ?? {}) as Record<string, unknown>;
  const list = (value: unknown) =>
    (value === undefined ? [] : Array.isArray(value) ? value : [value]).map(String);
  const storageOf = (body: unknown) => {
    const written = body as
      { representation?: string; value?: string; storage?: { value?: string } } | undefined;
    return written?.storage?.value ?? written?.value ?? '';
  };
  const view = (
    request: ContractRequest,
    page: ConfluencePageRecord,
    options: { body: boolean; labels?: boolean },
  ) => {
    const key = spaces.get(page.spaceId)?.key ?? 'UNKNOWN';
    return {
      id: page.id,
      status: page.status,
      title: page.title,
      spaceId: page.spaceId,
      ...(page.parentId ? { parentId: page.parentId, parentType: 'page' } : {}),
      authorId: '557058:bot',
      ownerId: '557058:bot',
      createdAt: page.createdAt,
      version: {
        number: page.version,
        createdAt: page.createdAt,
        message: '',
        minorEdit: false,
        authorId: '557058:bot',
      },
      ...(options.body ? { body: { storage: { representation: 'storage', value: page.body } } } : {}),
      ...(options.labels
        ? {
            labels: {
              results: page.labels.map((name, i) => ({ id: String(i + 1), name, prefix: 'global' })),
              meta: { hasMore: false },
            },
          }
        : {}),
      _links: {
        webui: `/spaces/${key}/pages/${page.id}/${encodeURIComponent(page.title).replace(/%20/g, '+')}`,
        editui: `/pages/resumedraft.action?draftId=${page.id}`,
        tinyui: `/x/${page.id}`,
        base: `http://${request.headers.host ?? 'confluence.invalid'}/wiki`,
      },
    };
  };
  const titleTaken = (spaceId: string, title: string, except?: string) =>
    [...pages.values()].some(
      (p) => p.spaceId === spaceId && p.title === title && p.status === 'current' && p.id !== except,
    );

  const route =
    (operationId: string, handler: (request: ContractRequest) => ContractResponse): ContractHandler =>
    (request) => {
      const next = pending.get(operationId)?.shift();
      if (next) return next;
      if (request.headers.authorization !== basic) return status(401);
      return handler(request);
    };

  fake.handlers = {
    getSpaces: route('getSpaces', () => ({
      status: 200,
      body: {
        results: [...spaces.values()].map((s) => ({
          id: s.id,
          key: s.key,
          name: s.name,
          type: 'global',
          status: 'current',
        })),
        _links: {},
      },
    })),
    getPages: route('getPages', (request) => {
      const spaceIds = list(request.query['space-id']);
      const statuses = list(request.query.status);
      const title = request.query.title;
      const found = [...pages.values()].filter(
        (p) =>
          (spaceIds.length === 0 || spaceIds.includes(p.spaceId)) &&
          (statuses.length === 0 ? p.status === 'current' : statuses.includes(p.status)) &&
          (title === undefined || p.title === title),
      );
      const limit = typeof request.query.limit === 'number' ? request.query.limit : 25;
      const body = request.query['body-format'] !== undefined;
      return {
        status: 200,
        body: { results: found.slice(0, limit).map((p) => view(request, p, { body })), _links: {} },
      };
    }),
    createPage: route('createPage', (request) => {
      const body = bodyOf(request);
      const spaceId = String(body.spaceId);
      if (!spaces.has(spaceId)) return status(404);
      const title = typeof body.title === 'string' ? body.title : '';
      const pageStatus = body.status === 'draft' ? 'draft' : 'current';
      if (pageStatus === 'current' && (!title || titleTaken(spaceId, title))) return status(400);
      const parentId = typeof body.parentId === 'string' ? body.parentId : undefined;
      if (parentId && pages.get(parentId)?.spaceId !== spaceId) return status(404);
      const page: ConfluencePageRecord = {
        id: id(),
        spaceId,
        title,
        ...(parentId ? { parentId } : {}),
        status: pageStatus,
        body: storageOf(body.body),
        version: 1,
        createdAt: new Date().toISOString(),
        labels: [],
      };
      pages.set(page.id, page);
      return { status: 200, body: view(request, page, { body: true }) };
    }),
    getPageById: route('getPageById', (request) => {
      const page = pages.get(String(request.params.id));
      if (!page || page.status === 'trashed') return status(404);
      return {
        status: 200,
        body: view(request, page, {
          body: request.query['body-format'] !== undefined,
          labels: request.query['include-labels'] === true,
        }),
      };
    }),
    updatePage: route('updatePage', (request) => {
      const page = pages.get(String(request.params.id));
      if (!page || page.status === 'trashed') return status(404);
      const body = bodyOf(request) as {
        id: string;
        title: string;
        body: unknown;
        version: { number?: number };
      };
      if (body.id !== page.id) return status(400);
      if (body.version.number !== page.version + 1) {
        return {
          status: 409,
          body: {
            errors: [
              {
                status: 409,
                code: 'CONFLICT',
                title: `Version must be incremented on update. Current version is: ${page.version}`,
              },
            ],
          },
        };
      }
      if (titleTaken(page.spaceId, body.title, page.id)) return status(400);
      Object.assign(page, {
        title: body.title,
        body: storageOf(body.body),
        version: page.version + 1,
        status: 'current',
      });
      fake.versionsWritten += 1;
      return { status: 200, body: view(request, page, { body: true }) };
    }),
    deletePage: route('deletePage', (request) => {
      const page = pages.get(String(request.params.id));
      if (!page || page.status === 'trashed') return status(404);
      page.status = 'trashed';
      return { status: 204 };
    }),
  };

  return Object.assign(fake, {
    spaces,
    pages,
    answerNext(operationId: string, response: ContractResponse) {
      pending.set(operationId, [...(pending.get(operationId) ?? []), response]);
    },
    seedSpace(key: string) {
      const space = { id: id(), key, name: `${key} space` };
      spaces.set(space.id, space);
      return space.id;
    },
    seedPage(spaceId: string, title: string, body = '<p>seed</p>', labels: string[] = []) {
      const page: ConfluencePageRecord = {
        id: id(),
        spaceId,
        title,
        status: 'current',
        body,
        version: 1,
        createdAt: new Date().toISOString(),
        labels,
      };
      pages.set(page.id, page);
      return page;
    },
  });
}
