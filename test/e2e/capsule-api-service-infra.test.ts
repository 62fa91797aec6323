import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEc2 } from '../../adapters/aws/client.js';
import { FakeJira } from '../../adapters/jira/contract-handlers.js';
import { startTestCluster, type TestCluster } from '../../adapters/kubernetes/test-cluster.js';
import { startContractServer, type ContractServer } from '../contract/contract-server.js';
import { loadSpec } from '../contract/load-spec.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startMoto } from '../servers/moto.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * The api-service-infra capsule from its sample brief, through the API: a security group and a
 * running, tagged instance on EC2 (moto), the namespace on a real kube-apiserver, and an epic with
 * its issues on the Jira contract server, all checked on the servers.
 */
const brief =
  "We need a backend API service 'ledger-api' with a Postgres database on AWS. Provision a small EC2 instance for staging, create the Kubernetes namespace ledger-staging, and track the work in Jira.";
const aws = { region: 'us-east-1', accessKeyId: 'AKIAINFRA00000000001', secretAccessKey: 'infra-secret' };
const jiraLogin = { email: 'bot@example.com', apiToken: 'jira-contract-token-infra' };

let platform: TestPlatform;
let moto: Awaited<ReturnType<typeof startMoto>>;
let cluster: TestCluster;
let jira: { fake: FakeJira; server: ContractServer };
let key: string;

const ec2 = () => connectEc2({ ...aws, endpoint: moto.endpoint });

beforeAll(async () => {
  const fake = new FakeJira(await loadSpec('jira'), { ...jiraLogin, projects: { LEDG: ['Task', 'Epic'] } });
  const [motoServer, testCluster, jiraServer] = await Promise.all([
    startMoto(),
    startTestCluster(),
    startContractServer({ vendor: 'jira', handlers: fake.handlers() }),
  ]);
  moto = motoServer;
  cluster = testCluster;
  jira = { fake, server: jiraServer };
  platform = await startTestPlatform();
  key = await startTenant(platform, 'infra', {
    aws: { ...aws, endpoint: moto.endpoint },
    kubernetes: {
      server: cluster.env.KUBERNETES_SERVER,
      token: cluster.env.KUBERNETES_TOKEN,
      caData: cluster.env.KUBERNETES_CA_DATA,
    },
    jira: { baseUrl: jiraServer.url, ...jiraLogin },
  });
});
afterAll(async () => {
  await platform?.stop();
  await Promise.all([moto?.stop(), cluster?.stop(), jira?.server.stop()]);
});

describe('capsule api-service-infra', () => {
  it('launches a tagged small instance, creates the namespace and tracks the work in Jira', async () => {
    const imageId = (await ec2().send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
    expect(imageId).toMatch(/^ami-/);
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: { brief, autoApprove: true, inputs: { imageId, jiraProjectKey: 'LEDG' } },
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const done = await untilFinished(platform, key, id);
    expect(done.error).toBeUndefined();
    expect(done.status).toBe('completed');
    expect(done.plan?.capsules.map((capsule) => capsule.id)).toEqual(['api-service-infra']);
    expect(done.plan?.inputs).toMatchObject({ service: 'ledger-api', namespace: 'ledger-staging' });

    // EC2: one security group with the service port, one running t3.small in it, tagged.
    const groups = (
      await ec2().send(
        new DescribeSecurityGroupsCommand({
          Filters: [{ Name: 'group-name', Values: ['ledger-api-staging'] }],
        }),
      )
    ).SecurityGroups;
    expect(groups).toHaveLength(1);
    expect(groups?.[0]?.IpPermissions?.[0]).toMatchObject({
      FromPort: 443,
      ToPort: 443,
      IpRanges: [expect.objectContaining({ CidrIp: '10.0.0.0/8' })],
    });
    const instances = (
      (
        await ec2().send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'tag:service', Values: ['ledger-api'] }] }),
        )
      ).Reservations ?? []
    ).flatMap((reservation) => reservation.Instances ?? []);
    expect(instances).toHaveLength(1);
    const instance = instances[0];
    expect(instance?.State?.Name).toBe('running');
    expect(instance?.InstanceType).toBe('t3.small');
    expect(instance?.ImageId).toBe(imageId);
    expect(instance?.SecurityGroups?.map((group) => group.GroupId)).toEqual([groups?.[0]?.GroupId]);
    const tags = Object.fromEntries((instance?.Tags ?? []).map((tag) => [tag.Key, tag.Value]));
    expect(tags).toMatchObject({
      Name: 'ledger-api-staging',
      service: 'ledger-api',
      environment: 'staging',
      'managed-by': 'somagent',
    });

    // Kubernetes: the namespace exists on the API server with the service's labels.
    const namespace = await cluster.core.readNamespace({ name: 'ledger-staging' });
    expect(namespace.metadata?.labels).toMatchObject({
      'app.kubernetes.io/part-of': 'ledger-api',
      environment: 'staging',
      'app.kubernetes.io/managed-by': 'somagent',
    });
    expect(done.outputs?.namespace).toBe('ledger-staging');

    // Jira: one epic and four issues under it, the first naming the instance.
    const issues = [...jira.fake.issues.values()];
    const epics = issues.filter((issue) => issue.issueType === 'Epic');
    expect(epics).toHaveLength(1);
    const children = issues.filter((issue) => issue.parentKey === epics[0]?.key);
    expect(children.map((issue) => issue.summary)).toEqual([
      `EC2 instance ${instance?.InstanceId} for staging`,
      'Kubernetes namespace ledger-staging',
      'Postgres database for ledger-api (staging)',
      'Deploy ledger-api to staging',
    ]);
    expect(issues).toHaveLength(5);
    expect(done.outputs?.epic).toBe(epics[0]?.key);
    expect(done.outputs?.jiraIssues).toEqual(children.map((issue) => issue.key));
    expect(done.outputs?.jiraErrors).toEqual([]);

    expect(jira.server.violations).toEqual([]);
  });
});
