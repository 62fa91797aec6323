import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEc2 } from '../../adapters/aws/client.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startMoto } from '../servers/moto.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * A brief that no one capsule covers: the planner composes the landing page audit (the best match)
 * with a capsule for the tool the brief also names (EC2), and the project runs both, on Chromium
 * and moto, with task ids and outputs prefixed by their capsule.
 */
const groupsCapsule = `
id: ec2-security-groups
version: 1.0.0
title: EC2 security groups
description: Create EC2 security groups, one per name.
tags: [ec2, security, groups, firewall]
persona: cloud-engineer
inputs:
  type: object
  required: [groupNames]
  properties:
    groupNames: { type: array, items: { type: string }, minItems: 1 }
tools: [aws]
steps:
  - id: groups
    uses: aws.createSecurityGroup
    forEach: \${{ inputs.groupNames }}
    with: { groupName: '\${{ item }}', description: composed plan test }
outputs:
  groupIds: \${{ steps.groups.output.groupId }}
`;

let platform: TestPlatform;
let moto: Awaited<ReturnType<typeof startMoto>>;
let site: Server;
let siteUrl: string;
let capsulesDir: string;
let key: string;
const credentials = {
  region: 'us-east-1',
  accessKeyId: 'AKIACOMPOSED00000001',
  secretAccessKey: 'composed-secret',
};

beforeAll(async () => {
  site = createServer((req, res) => {
    if (req.url === '/')
      res
        .writeHead(200, { 'Content-Type': 'text/html' })
        .end('<!doctype html><title>Acme</title><h1>Acme</h1><a href="/gone">Old page</a>');
    else res.writeHead(404).end('not found');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/`;
  capsulesDir = mkdtempSync(path.join(os.tmpdir(), 'composed-capsules-'));
  writeFileSync(path.join(capsulesDir, 'ec2-security-groups.yaml'), groupsCapsule);
  moto = await startMoto();
  platform = await startTestPlatform({ SOMAGENT_CAPSULES_DIR: capsulesDir });
  key = await startTenant(platform, 'composed', { aws: { ...credentials, endpoint: moto.endpoint } });
});
afterAll(async () => {
  await platform?.stop();
  await moto?.stop();
  site?.close();
  if (capsulesDir) rmSync(capsulesDir, { recursive: true, force: true });
});

describe('a plan composed of several capsules', () => {
  it('adds the capsule for the tool the brief names, prefixes its tasks and outputs, and runs both', async () => {
    const names = [`web-${Date.now()}`, `db-${Date.now()}`];
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: {
        brief: `Audit our landing page at ${siteUrl} for broken links, then create the EC2 security groups for the site.`,
        inputs: { groupNames: names },
        autoApprove: true,
      },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await untilFinished(platform, key, id, 60_000);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual([
      'landing-page-audit',
      'ec2-security-groups',
    ]);
    expect(done.plan?.notes).toContain('added capsule ec2-security-groups because the brief names aws');
    expect(done.tasks['landing-page-audit.links']?.status).toBe('completed');
    expect(done.tasks['ec2-security-groups.groups']?.status).toBe('completed');
    expect(done.outputs?.['landing-page-audit.brokenLinks']).toEqual([
      expect.objectContaining({ href: `${siteUrl}gone`, ok: false }),
    ]);
    const groupIds = done.outputs?.['ec2-security-groups.groupIds'] as string[];
    expect(groupIds).toHaveLength(2);
    const ec2 = connectEc2({ ...credentials, endpoint: moto.endpoint });
    const found = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: names }] }),
    );
    expect((found.SecurityGroups ?? []).map((group) => group.GroupId).sort()).toEqual([...groupIds].sort());
  });
});
