import type { EC2Client } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation } from '../core/define-adapter.js';
import { ec2Sdk } from './sdk.js';

const operation = defineOperation<EC2Client>();

const groupOutput = z.object({ groupId: z.string(), groupName: z.string() });

async function findGroup(client: EC2Client, groupName: string, vpcId?: string) {
  const { DescribeSecurityGroupsCommand } = await ec2Sdk();
  const result = await client.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'group-name', Values: [groupName] },
        ...(vpcId ? [{ Name: 'vpc-id', Values: [vpcId] }] : []),
      ],
    }),
  );
  const group = result.SecurityGroups?.[0];
  return group?.GroupId ? { groupId: group.GroupId, groupName: group.GroupName ?? groupName } : undefined;
}

export const securityGroupOperations = {
  createSecurityGroup: operation({
    description: 'Create a security group with ingress rules and tags.',
    kind: 'write',
    idempotent: false,
    input: z.object({
      groupName: z.string().min(1).max(255),
      description: z.string().min(1).max(255),
      vpcId: z.string().optional(),
      ingress: z
        .array(
          z.object({
            protocol: z.enum(['tcp', 'udp', 'icmp', '-1']).default('tcp'),
            fromPort: z.number().int().min(-1).max(65535),
            toPort: z.number().int().min(-1).max(65535),
            cidr: z.string().default('0.0.0.0/0'),
          }),
        )
        .default([]),
      tags: z.record(z.string(), z.string()).default({}),
    }),
    output: groupOutput,
    compensate: {
      operation: 'deleteSecurityGroup',
      input: (_input, output) => ({ groupId: output.groupId }),
    },
    // Group names are unique per VPC, so the name finds what an interrupted attempt created.
    recover: async ({ client }, input) => findGroup(client, input.groupName, input.vpcId),
    run: async ({ client }, input) => {
      const { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand } = await ec2Sdk();
      const created = await client.send(
        new CreateSecurityGroupCommand({
          GroupName: input.groupName,
          Description: input.description,
          ...(input.vpcId ? { VpcId: input.vpcId } : {}),
          ...(Object.keys(input.tags).length
            ? {
                TagSpecifications: [
                  {
                    ResourceType: 'security-group',
                    Tags: Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value })),
                  },
                ],
              }
            : {}),
        }),
      );
      const groupId = created.GroupId ?? '';
      if (input.ingress.length > 0) {
        await client.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupId,
            IpPermissions: input.ingress.map((rule) => ({
              IpProtocol: rule.protocol,
              FromPort: rule.fromPort,
              ToPort: rule.toPort,
              IpRanges: [{ CidrIp: rule.cidr }],
            })),
          }),
        );
      }
      return { groupId, groupName: input.groupName };
    },
  }),
  deleteSecurityGroup: operation({
    description: 'Delete a security group (the compensation of createSecurityGroup).',
    kind: 'destroy',
    idempotent: true,
    input: z.object({ groupId: z.string().regex(/^sg-[0-9a-f]+$/, 'must be a security group id (sg-...)') }),
    output: z.object({ groupId: z.string(), deleted: z.boolean() }),
    run: async ({ client }, input) => {
      const { DeleteSecurityGroupCommand } = await ec2Sdk();
      await client.send(new DeleteSecurityGroupCommand({ GroupId: input.groupId }));
      return { groupId: input.groupId, deleted: true };
    },
  }),
};
