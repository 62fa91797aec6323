import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ContractResponse } from './contract-server.js';
import {
  googleError,
  startDiscoveryContractServer,
  type DiscoveryContractServer,
  type DiscoveryRequest,
} from './discovery-contract-server.js';

const instance = {
  kind: 'compute#instance',
  id: '1234567890123456789',
  name: 'vm-1',
  status: 'RUNNING',
  zone: 'https://www.googleapis.com/compute/v1/projects/p-123456/zones/europe-west1-b',
  labels: { team: 'data' },
};
const operation = {
  kind: 'compute#operation',
  id: '42',
  name: 'operation-1',
  status: 'RUNNING',
  progress: 0,
};

describe('Discovery contract server on the Compute Engine v1 document', () => {
  let server: DiscoveryContractServer;
  let nextAnswer: ContractResponse | undefined;
  const seen: DiscoveryRequest[] = [];
  const answer = (fallback: ContractResponse) => (request: DiscoveryRequest) => {
    seen.push(request);
    return nextAnswer ?? fallback;
  };
  const base = () => `${server.url}/projects/p-123456/zones/europe-west1-b`;
  const send = (path: string, init: RequestInit = {}) =>
    fetch(`${base()}${path}`, {
      ...init,
      headers: {
        authorization: 'Bearer good',
        ...(init.body ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
    });
  const insert = (body: unknown) => send('/instances', { method: 'POST', body: JSON.stringify(body) });
  const validInstance = {
    name: 'vm-1',
    machineType: 'zones/europe-west1-b/machineTypes/e2-micro',
    disks: [
      {
        boot: true,
        initializeParams: {
          sourceImage: 'projects/debian-cloud/global/images/family/debian-12',
          diskSizeGb: '10',
        },
      },
    ],
    networkInterfaces: [{ network: 'global/networks/default' }],
  };

  beforeAll(async () => {
    server = await startDiscoveryContractServer({
      api: 'gcp-compute',
      handlers: {
        'compute.instances.get': answer({ status: 200, body: instance }),
        'compute.instances.insert': answer({ status: 200, body: operation }),
        'compute.instances.stop': answer({ status: 200, body: operation }),
        'compute.instances.list': answer({
          status: 200,
          body: { kind: 'compute#instanceList', items: [instance] },
        }),
      },
      authenticate: ({ headers }) => headers.authorization === 'Bearer good',
    });
  });
  afterEach(() => {
    server.reset();
    seen.length = 0;
    nextAnswer = undefined;
  });
  afterAll(() => server.stop());

  it('routes by flatPath, coerces parameters and passes a valid exchange', async () => {
    const response = await send(
      '/instances?maxResults=5&filter=labels.team%20%3D%20%22data%22&%24alt=json%3Benum-encoding%3Dint',
    );
    expect(response.status).toBe(200);
    expect(server.violations).toEqual([]);
    expect(seen[0]).toMatchObject({
      methodId: 'compute.instances.list',
      params: { project: 'p-123456', zone: 'europe-west1-b', maxResults: 5, alt: 'json' },
    });
    expect((await send('/instances/vm-1')).status).toBe(200);
    expect(server.count('compute.instances.get')).toBe(1);
    expect(server.violations).toEqual([]);
  });

  it('takes a valid insert, and a body-less stop sent as the JSON text ""', async () => {
    expect((await insert(validInstance)).status).toBe(200);
    expect((await send('/instances/vm-1/stop', { method: 'POST', body: '""' })).status).toBe(200);
    expect(server.violations).toEqual([]);
  });

  it.each([
    [
      'a field the method requires (annotations.required)',
      { ...validInstance, name: undefined },
      "must have required property 'name'",
    ],
    [
      'an unknown field',
      { ...validInstance, flavour: 'large' },
      "must NOT have additional properties 'flavour'",
    ],
    [
      'an int64 sent as a JSON number',
      { ...validInstance, disks: [{ boot: true, initializeParams: { diskSizeGb: 10 } }] },
      '/disks/0/initializeParams/diskSizeGb must be string',
    ],
    [
      'a value outside an enum',
      { ...validInstance, disks: [{ boot: true, type: 'FLOPPY' }] },
      '/disks/0/type must be equal to one of the allowed values',
    ],
  ])('reports a request body with %s', async (_what, body, message) => {
    const response = await insert(body);
    expect(response.status).toBe(400);
    expect(server.violations).toEqual([
      expect.objectContaining({
        operationId: 'compute.instances.insert',
        where: 'body',
        message: expect.stringContaining(message),
      }),
    ]);
    expect(seen).toHaveLength(0);
  });

  it('reports parameters: a path value off its pattern, an unknown query parameter, a body where none is taken', async () => {
    expect((await send('/instances/Not_A_Name')).status).toBe(400);
    expect((await send('/instances?colour=red')).status).toBe(400);
    expect(
      (await send('/instances/vm-1/stop', { method: 'POST', body: JSON.stringify({ force: true }) })).status,
    ).toBe(400);
    expect(server.violations.map((v) => v.where)).toEqual(['path', 'query', 'body']);
    expect(server.violations[1]?.message).toMatch(/colour/);
  });

  it('reports routes the document does not have, and methods a path does not take', async () => {
    expect((await send('/instances/vm-1/teleport', { method: 'POST' })).status).toBe(404);
    expect((await send('/instances', { method: 'PUT', body: '{}' })).status).toBe(405);
    expect(server.violations.map((v) => v.where)).toEqual(['route', 'route']);
  });

  it('requires credentials where the method has scopes; refused credentials are a 401, not a violation', async () => {
    expect((await fetch(`${base()}/instances/vm-1`)).status).toBe(401);
    expect(server.violations).toEqual([expect.objectContaining({ where: 'security' })]);
    server.reset();
    const refused = await send('/instances/vm-1', { headers: { authorization: 'Bearer bad' } });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    expect(server.violations).toEqual([]);
  });

  it("reports a handler's answer that breaks the response schema or Google's error format", async () => {
    nextAnswer = { status: 200, body: { ...instance, id: 1234 } };
    expect((await send('/instances/vm-1')).status).toBe(500);
    nextAnswer = { status: 404, body: { message: 'nope' } };
    expect((await send('/instances/vm-1')).status).toBe(500);
    nextAnswer = { ...googleError(404, 'The resource was not found', { reason: 'notFound' }) };
    expect((await send('/instances/vm-1')).status).toBe(404);
    expect(server.violations.map((v) => [v.where, v.message])).toEqual([
      ['response', expect.stringContaining('/id must be string')],
      ['response', expect.stringContaining("must have required property 'error'")],
    ]);
  });

  it('answers 501 for a method without a handler, and refuses handlers for methods the document lacks', async () => {
    expect((await send('/instances/vm-1/start', { method: 'POST' })).status).toBe(501);
    expect(server.violations).toEqual([
      expect.objectContaining({ operationId: 'compute.instances.start', where: 'handler' }),
    ]);
    await expect(
      startDiscoveryContractServer({
        api: 'gcp-compute',
        handlers: { 'compute.instances.teleport': () => ({ status: 200 }) },
      }),
    ).rejects.toThrow(/teleport/);
  });
});
