import { createHash } from 'node:crypto';
import type { EC2Client, Instance } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { ToolError } from '../core/errors.js';
import { defineOperation } from '../core/define-adapter.js';
import { ec2Sdk } from './sdk.js';

const operation = defineOperation<EC2Client>();

/** Tag that marks what SomaGent created for an idempotency key, so a retry can find it. */
export const IDEMPOTENCY_TAG = 'somagent:idempotency-key';

const tags = z.record(z.string().min(1).max(128), z.string().max(256)).default({});
const instanceIds = z
  .array(z.string().regex(/^i-[0-9a-f]+$/, 'must be an EC2 instance id (i-...)'))
  .min(1)
  .max(100);

const instanceView = z.object({
  instanceId: z.string(),
  state: z.string(),
  instanceType: z.string().optional(),
  imageId: z.string().optional(),
  privateIpAddress: z.string().optional(),
  publicIpAddress: z.string().optional(),
  launchTime: z.string().optional(),
  tags: z.record(z.string(), z.string()),
});
const instancesOutput = z.object({ instances: z.array(instanceView) });
const stateChanges = z.object({
  instances: z.array(
    z.object({ instanceId: z.string(), previousState: z.string(), currentState: z.string() }),
  ),
});

function view(instance: Instance): z.input<typeof instanceView> {
  return {
    instanceId: instance.InstanceId ?? '',
    state: instance.State?.Name ?? 'unknown',
    ...(instance.InstanceType ? { instanceType: instance.InstanceType } : {}),
    ...(instance.ImageId ? { imageId: instance.ImageId } : {}),
    ...(instance.PrivateIpAddress ? { privateIpAddress: instance.PrivateIpAddress } : {}),
    ...(instance.PublicIpAddress ? { publicIpAddress: instance.PublicIpAddress } : {}),
    ...(instance.LaunchTime ? { launchTime: instance.LaunchTime.toISOString() } : {}),
    tags: Object.fromEntries((instance.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? ''])),
  };
}

async function describe(
  client: EC2Client,
  input: { instanceIds?: string[]; filters?: Record<string, string[]> },
) {
  const { DescribeInstancesCommand } = await ec2Sdk();
  const instances: Instance[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstancesCommand({
        ...(input.instanceIds ? { InstanceIds: input.instanceIds } : {}),
        ...(input.filters
          ? { Filters: Object.entries(input.filters).map(([Name, Values]) => ({ Name, Values })) }
          : {}),
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const reservation of page.Reservations ?? []) instances.push(...(reservation.Instances ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return instances.map(view);
}

/** EC2's ClientToken allows 64 ASCII characters; a hash of our key always fits. */
const clientToken = (key: string) => createHash('sha256').update(key).digest('hex').slice(0, 64);

const changes = (
  list: { InstanceId?: string; PreviousState?: { Name?: string }; CurrentState?: { Name?: string } }[] = [],
) => ({
  instances: list.map((change) => ({
    instanceId: change.InstanceId ?? '',
    previousState: change.PreviousState?.Name ?? 'unknown',
    currentState: change.CurrentState?.Name ?? 'unknown',
  })),
});

export const instanceOperations = {
  runInstances: operation({
    description:
      'Launch EC2 instances with tags; retried calls reuse the ClientToken and never launch twice.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      imageId: z.string().min(1),
      instanceType: z.string().min(1).default('t3.micro'),
      count: z.number().int().min(1).max(20).default(1),
      tags,
      securityGroupIds: z.array(z.string()).optional(),
      subnetId: z.string().optional(),
      keyName: z.string().optional(),
    }),
    output: instancesOutput,
    compensate: {
      operation: 'terminateInstances',
      input: (_input, output) => ({ instanceIds: output.instances.map((instance) => instance.instanceId) }),
    },
    recover: async ({ client, idempotencyKey }) => {
      if (!idempotencyKey) return undefined;
      const found = await describe(client, {
        filters: { [`tag:${IDEMPOTENCY_TAG}`]: [clientToken(idempotencyKey)] },
      });
      return found.length > 0 ? { instances: found } : undefined;
    },
    run: async ({ client, idempotencyKey }, input) => {
      const { RunInstancesCommand } = await ec2Sdk();
      const allTags = {
        ...input.tags,
        ...(idempotencyKey ? { [IDEMPOTENCY_TAG]: clientToken(idempotencyKey) } : {}),
      };
      const result = await client.send(
        new RunInstancesCommand({
          ImageId: input.imageId,
          InstanceType: input.instanceType as never,
          MinCount: input.count,
          MaxCount: input.count,
          ...(idempotencyKey ? { ClientToken: clientToken(idempotencyKey) } : {}),
          ...(input.securityGroupIds ? { SecurityGroupIds: input.securityGroupIds } : {}),
          ...(input.subnetId ? { SubnetId: input.subnetId } : {}),
          ...(input.keyName ? { KeyName: input.keyName } : {}),
          TagSpecifications: Object.keys(allTags).length
            ? [
                {
                  ResourceType: 'instance',
                  Tags: Object.entries(allTags).map(([Key, Value]) => ({ Key, Value })),
                },
              ]
            : undefined,
        }),
      );
      return { instances: (result.Instances ?? []).map(view) };
    },
  }),
  describeInstances: operation({
    description: 'Describe instances by id or by tags (all pages).',
    kind: 'read',
    idempotent: true,
    input: z.object({
      instanceIds: instanceIds.optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
    output: instancesOutput,
    run: async ({ client }, input) => ({
      instances: await describe(client, {
        ...(input.instanceIds ? { instanceIds: input.instanceIds } : {}),
        ...(input.tags
          ? {
              filters: Object.fromEntries(
                Object.entries(input.tags).map(([key, value]) => [`tag:${key}`, [value]]),
              ),
            }
          : {}),
      }),
    }),
  }),
  waitUntilRunning: operation({
    description: 'Poll until every instance is running (heartbeating), or fail after the timeout.',
    kind: 'read',
    idempotent: true,
    input: z.object({
      instanceIds,
      timeoutSeconds: z.number().int().min(1).max(3600).default(600),
      pollSeconds: z.number().min(0.1).max(60).default(5),
    }),
    output: instancesOutput,
    run: async ({ client, heartbeat, signal }, input) => {
      const deadline = Date.now() + input.timeoutSeconds * 1000;
      for (;;) {
        const instances = await describe(client, { instanceIds: input.instanceIds });
        heartbeat({ states: instances.map((instance) => instance.state) });
        if (
          instances.length === input.instanceIds.length &&
          instances.every((instance) => instance.state === 'running')
        ) {
          return { instances };
        }
        const broken = instances.find((instance) =>
          ['terminated', 'shutting-down', 'stopped'].includes(instance.state),
        );
        if (broken)
          throw new ToolError(
            'conflict',
            `instance ${broken.instanceId} is ${broken.state}; it will not start running`,
          );
        if (Date.now() > deadline)
          throw new ToolError('transient', `instances not running after ${input.timeoutSeconds}s`);
        await new Promise((resolve) => setTimeout(resolve, input.pollSeconds * 1000));
        signal.throwIfAborted();
      }
    },
  }),
  stopInstances: operation({
    description: 'Stop running instances.',
    kind: 'write',
    idempotent: true,
    input: z.object({ instanceIds }),
    output: stateChanges,
    compensate: { operation: 'startInstances', input: (input) => ({ instanceIds: input.instanceIds }) },
    run: async ({ client }, input) => {
      const { StopInstancesCommand } = await ec2Sdk();
      return changes(
        (await client.send(new StopInstancesCommand({ InstanceIds: input.instanceIds }))).StoppingInstances,
      );
    },
  }),
  startInstances: operation({
    description: 'Start stopped instances.',
    kind: 'write',
    idempotent: true,
    input: z.object({ instanceIds }),
    output: stateChanges,
    compensate: { operation: 'stopInstances', input: (input) => ({ instanceIds: input.instanceIds }) },
    run: async ({ client }, input) => {
      const { StartInstancesCommand } = await ec2Sdk();
      return changes(
        (await client.send(new StartInstancesCommand({ InstanceIds: input.instanceIds }))).StartingInstances,
      );
    },
  }),
  terminateInstances: operation({
    description: 'Terminate instances (the compensation of runInstances).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ instanceIds }),
    output: stateChanges,
    run: async ({ client }, input) => {
      const { TerminateInstancesCommand } = await ec2Sdk();
      return changes(
        (await client.send(new TerminateInstancesCommand({ InstanceIds: input.instanceIds })))
          .TerminatingInstances,
      );
    },
  }),
};
