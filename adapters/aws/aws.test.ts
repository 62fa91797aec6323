import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestToolRuntime, type TestToolRuntime } from '../../test/harness/tool-runtime.js';
import { testAdapter } from '../../test/conformance/test-adapter.js';
import { startMoto } from '../../test/servers/moto.js';
import { connectEc2 } from './client.js';
import { awsAdapter } from './index.js';

const motoEnv = (endpoint: string) => ({
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'AKIAMOTOTESTKEY00001',
  AWS_SECRET_ACCESS_KEY: 'moto-secret-access-key-for-tests-only',
  AWS_ENDPOINT_URL_EC2: endpoint,
});

const ec2For = (env: Record<string, string>) =>
  connectEc2({
    region: env.AWS_REGION ?? 'us-east-1',
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
    ...(env.AWS_ENDPOINT_URL_EC2 ? { endpoint: env.AWS_ENDPOINT_URL_EC2 } : {}),
  });

/** Instances the suite launched that are still alive, as the EC2 server itself reports them. */
async function liveConformanceInstances(env: Record<string, string>): Promise<number> {
  const result = await ec2For(env).send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:purpose', Values: ['conformance'] },
        { Name: 'instance-state-name', Values: ['pending', 'running'] },
      ],
    }),
  );
  return (result.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []).length;
}

let imageId = 'ami-12c6146b';

testAdapter({
  adapter: awsAdapter,
  tier: 'moto server, real EC2 Query protocol',
  start: async () => {
    const moto = await startMoto();
    const env = motoEnv(moto.endpoint);
    const images = await ec2For(env).send(new DescribeImagesCommand({}));
    imageId = images.Images?.[0]?.ImageId ?? imageId;
    return { env, stop: moto.stop };
  },
  read: { operation: 'describeInstances', input: { tags: { purpose: 'conformance' } } },
  write: {
    operation: 'runInstances',
    get input() {
      return { imageId, instanceType: 't3.micro', tags: { purpose: 'conformance' } };
    },
    count: liveConformanceInstances,
    identify: (output) =>
      (output as { instances: { instanceId: string }[] }).instances.map((instance) => instance.instanceId),
  },
  notFound: { operation: 'describeInstances', input: { instanceIds: ['i-0123456789abcdef0'] } },
});

describe('aws adapter against moto: an instance lifecycle and a security group', () => {
  let tools: TestToolRuntime;
  let stop: () => Promise<void>;
  let env: Record<string, string>;
  const call = (operation: string, input: unknown, idempotencyKey?: string) =>
    tools.runtime.invoke({
      tenantId: 'default',
      tool: 'aws',
      operation,
      input,
      ...(idempotencyKey ? { idempotencyKey } : {}),
    });

  beforeAll(async () => {
    const moto = await startMoto();
    env = motoEnv(moto.endpoint);
    stop = moto.stop;
    tools = createTestToolRuntime([awsAdapter], env);
  });
  afterAll(async () => {
    await tools?.close();
    await stop?.();
  });

  it('runs, waits for, stops, starts and terminates an instance, with tags', async () => {
    const images = await ec2For(env).send(new DescribeImagesCommand({}));
    const image = images.Images?.[0]?.ImageId ?? '';
    const launched = (
      await call('runInstances', { imageId: image, tags: { project: 'p1', Name: 'web' } }, 'lifecycle:1')
    ).output as { instances: { instanceId: string; tags: Record<string, string> }[] };
    expect(launched.instances).toHaveLength(1);
    const instanceId = launched.instances[0]?.instanceId ?? '';
    expect(launched.instances[0]?.tags).toMatchObject({ project: 'p1', Name: 'web' });
    expect(launched.instances[0]?.tags['somagent:idempotency-key']).toMatch(/^[0-9a-f]{64}$/);

    const beats: unknown[] = [];
    const running = await tools.runtime.invoke(
      {
        tenantId: 'default',
        tool: 'aws',
        operation: 'waitUntilRunning',
        input: { instanceIds: [instanceId], pollSeconds: 0.2 },
      },
      { heartbeat: (details) => beats.push(details) },
    );
    expect((running.output as { instances: { state: string }[] }).instances[0]?.state).toBe('running');
    expect(beats.length).toBeGreaterThan(0);

    const stopped = (await call('stopInstances', { instanceIds: [instanceId] })).output as {
      instances: { currentState: string }[];
    };
    expect(['stopping', 'stopped']).toContain(stopped.instances[0]?.currentState);
    const started = (await call('startInstances', { instanceIds: [instanceId] })).output as {
      instances: { currentState: string }[];
    };
    expect(['pending', 'running']).toContain(started.instances[0]?.currentState);

    const compensation = awsAdapter.operations.runInstances?.compensate;
    expect(compensation?.operation).toBe('terminateInstances');
    const terminateInput = compensation?.input({}, launched);
    await call('terminateInstances', terminateInput);
    const after = await ec2For(env).send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    expect(after.Reservations?.[0]?.Instances?.[0]?.State?.Name).toMatch(/shutting-down|terminated/);
  });

  it('creates a security group with ingress rules once, and deletes it', async () => {
    const input = {
      groupName: `web-${Date.now()}`,
      description: 'web tier',
      ingress: [{ protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '10.0.0.0/16' }],
      tags: { project: 'p1' },
    };
    const created = (await call('createSecurityGroup', input, 'sg:1')).output as { groupId: string };
    await call('createSecurityGroup', input, 'sg:1');
    const groups = await ec2For(env).send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [input.groupName] }] }),
    );
    expect(groups.SecurityGroups).toHaveLength(1);
    expect(groups.SecurityGroups?.[0]?.IpPermissions?.[0]).toMatchObject({ FromPort: 443, ToPort: 443 });

    await call('deleteSecurityGroup', { groupId: created.groupId });
    const gone = await ec2For(env).send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [input.groupName] }] }),
    );
    expect(gone.SecurityGroups).toHaveLength(0);
  });
});

const live =
  process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY && !process.env.AWS_ENDPOINT_URL_EC2;
describe.skipIf(!live)('aws adapter live (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY set)', () => {
  it('reaches EC2 and describes instances with the given credentials', async () => {
    const tools = createTestToolRuntime([awsAdapter], process.env as Record<string, string>);
    try {
      expect(await tools.runtime.checkConnection('default', 'aws')).toEqual({ reachable: true });
      const result = await tools.runtime.invoke({
        tenantId: 'default',
        tool: 'aws',
        operation: 'describeInstances',
        input: {},
      });
      expect(result.output).toHaveProperty('instances');
    } finally {
      await tools.close();
    }
  });
});
if (!live)
  console.info(
    'aws live test skipped: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and no AWS_ENDPOINT_URL_EC2) to run it',
  );
