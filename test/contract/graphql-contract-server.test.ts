import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  VendorGraphqlError,
  graphql,
  startGraphqlContractServer,
  type GraphqlContractServer,
  type GraphqlGuardAnswer,
} from './graphql-contract-server.js';

const sdl = `
scalar DateTime
type Item { id: ID! name: String! createdAt: DateTime! }
type Query { item(id: ID!): Item! items(first: Int): [Item!]! }
type Mutation { addItem(name: String!): Item! }
`;

const dateTime = new graphql.GraphQLScalarType({
  name: 'DateTime',
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    throw new TypeError(`DateTime cannot represent ${JSON.stringify(value)}`);
  },
});

describe('GraphQL contract server (a small SDL)', () => {
  let server: GraphqlContractServer;
  let sdlPath: string;
  const items = [{ id: '1', name: 'first', createdAt: new Date('2026-01-02T03:04:05Z') as unknown }];
  let guardAnswer: GraphqlGuardAnswer | undefined;
  const post = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: unknown; errors?: { message: string }[] },
    };
  };

  beforeAll(async () => {
    sdlPath = path.join(await mkdtemp(path.join(os.tmpdir(), 'graphql-contract-')), 'schema.graphql');
    await writeFile(sdlPath, sdl);
    server = await startGraphqlContractServer({
      sdlPath,
      guard: () => guardAnswer,
      resolvers: {
        DateTime: dateTime,
        Query: {
          item: (_: unknown, args: { id: string }) => {
            const item = items.find((candidate) => candidate.id === args.id);
            if (!item) throw new VendorGraphqlError('Entity not found: Item', { code: 'INPUT_ERROR' }, 400);
            return item;
          },
          items: () => items,
        },
        Mutation: {
          addItem: (_: unknown, args: { name: string }) => ({
            id: String(items.length + 1),
            name: args.name,
          }),
        },
      },
    });
  });
  afterEach(() => {
    server.reset();
    guardAnswer = undefined;
  });
  afterAll(() => server?.stop());

  it('answers a valid document from the resolvers and records the call', async () => {
    const answer = await post('query One($id: ID!) { item(id: $id) { id name createdAt } }', { id: '1' });
    expect(answer).toEqual({
      status: 200,
      body: { data: { item: { id: '1', name: 'first', createdAt: '2026-01-02T03:04:05.000Z' } } },
    });
    expect(server.violations).toEqual([]);
    expect(server.count('item')).toBe(1);
    expect(server.calls[0]).toMatchObject({ operationName: 'One', fields: ['item'], variables: { id: '1' } });
  });

  it("passes the fake's deliberate vendor errors with their status, without a violation", async () => {
    const answer = await post('{ item(id: "9") { id } }');
    expect(answer.status).toBe(400);
    expect(answer.body.errors?.[0]).toMatchObject({
      message: 'Entity not found: Item',
      extensions: { code: 'INPUT_ERROR' },
    });
    expect(server.violations).toEqual([]);
  });

  it('records a field the SDL lacks, a bad variable and a syntax error as request violations', async () => {
    expect((await post('{ item(id: "1") { id colour } }')).status).toBe(400);
    expect((await post('query Q($id: ID!) { item(id: $id) { id } }', { id: { nested: true } })).status).toBe(
      400,
    );
    expect((await post('{ item(id: "1") { id ')).status).toBe(400);
    expect(server.violations.map((violation) => [violation.where, violation.message])).toEqual([
      ['document', 'Cannot query field "colour" on type "Item".'],
      ['variables', expect.stringContaining('Variable "$id" got invalid value')],
      ['document', expect.stringContaining('Syntax Error')],
    ]);
  });

  it('records an answer the SDL rules out: a non-null field left empty, a scalar that does not serialize', async () => {
    const answer = await post('mutation { addItem(name: "second") { id name createdAt } }');
    expect(answer.body.errors?.[0]?.message).toContain(
      'Cannot return null for non-nullable field Item.createdAt',
    );
    items.push({ id: '2', name: 'second', createdAt: 'yesterday' });
    await post('{ items { createdAt } }');
    expect(server.violations.map((violation) => [violation.where, violation.message])).toEqual([
      ['response', 'addItem.createdAt: Cannot return null for non-nullable field Item.createdAt.'],
      ['response', 'items.1.createdAt: DateTime cannot represent "yesterday"'],
    ]);
    items.pop();
  });

  it('sends a guard answer as it is, and records one that is no GraphQL error response', async () => {
    guardAnswer = { status: 401, body: { errors: [{ message: 'Authentication required' }] } };
    expect(await post('{ items { id } }')).toEqual({
      status: 401,
      body: { errors: [{ message: 'Authentication required' }] },
    });
    expect(server.violations).toEqual([]);
    guardAnswer = { status: 401, body: { errors: [] } };
    await post('{ items { id } }');
    expect(server.violations).toEqual([expect.objectContaining({ where: 'response' })]);
  });

  it('records requests that are no GraphQL POST as HTTP violations', async () => {
    await fetch(server.url);
    await fetch(server.url.replace('/graphql', '/other'), { method: 'POST' });
    await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": 1}',
    });
    expect(server.violations.map((violation) => violation.where)).toEqual(['http', 'http', 'http']);
  });

  it('refuses to start when a custom scalar has no resolver (it would let any value through)', async () => {
    await expect(startGraphqlContractServer({ sdlPath, resolvers: {} })).rejects.toThrow(/DateTime/);
  });
});
