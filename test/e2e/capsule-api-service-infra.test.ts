import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectEc2 } from '../../adapters/aws/client.js';
import { FakeJira } from '../../adapters/jira/contract-handlers.js';
import { startTestCluster, type TestCluster } from '../../adapters/kubernetes/test-cluster.js';
import type { ServiceStackOutputs } from '../../infra/stacks/service-stack.js';
import { ensureTerraformToolchain } from '../../infra/ensure-terraform-toolchain.js';
import { startContractServer, type ContractServer } from '../contract/contract-server.js';
import { loadSpec } from '../contract/load-spec.js';
import { startTestPlatform, type TestPlatform } from '../harness/test-platform.js';
import { startMoto } from '../servers/moto.js';
import { startTenant, untilFinished } from './capsule-support.js';

/**
 * The api-service-infra capsule from its sample brief, through the API: a security group and a
 * running, tagged instance on EC2 (moto), the namespace on a real kube-apiserver, the service stack
 * applied by the real Terraform CLI (its state and the settings file it writes read back from
 * disk), and an epic with its issues on the Jira contract server, all checked on the servers. A
 * second run that fails on Jira is compensated: terraform destroy empties the state and removes
 * the file, and the AWS and Kubernetes resources are undone.
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
let tenantId: string;
/** Where the stack writes settings files, and where the tenant's Terraform workspaces live. */
let settingsDirectory: string;
let workspacesDir: string;

const ec2 = () => connectEc2({ ...aws, endpoint: moto.endpoint });

// Cold, the Terraform toolchain takes minutes to build (scripts/setup/terraform.sh); warm, it is found at once.
beforeAll(() => ensureTerraformToolchain().then(() => undefined), 30 * 60_000);

beforeAll(async () => {
  settingsDirectory = await mkdtemp(path.join(os.tmpdir(), 'somagent-service-settings-'));
  workspacesDir = await mkdtemp(path.join(os.tmpdir(), 'somagent-infra-workspaces-'));
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
    terraform: { workspacesDir },
  });
  tenantId = ((await (await platform.call('/v1/me', { key })).json()) as { tenantId: string }).tenantId;
});
afterAll(async () => {
  await platform?.stop();
  await Promise.all([moto?.stop(), cluster?.stop(), jira?.server.stop()]);
  for (const dir of [settingsDirectory, workspacesDir])
    if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the adapter returns of a Terraform workspace in the project's outputs. */
interface TerraformOutputs {
  workspace: string;
  outputs: Omit<ServiceStackOutputs, 'database_password'>;
  sensitiveOutputs: string[];
  changes: { add: number; change: number; destroy: number };
}

/** The local state Terraform keeps in the tenant's workspace: its resources, with their attributes. */
async function terraformState(workspace: string) {
  const file = path.join(workspacesDir, encodeURIComponent(tenantId), workspace, 'terraform.tfstate');
  return JSON.parse(await readFile(file, 'utf8')) as {
    resources: { type: string; name: string; instances: { attributes: Record<string, unknown> }[] }[];
  };
}

describe('capsule api-service-infra', () => {
  it('launches a tagged small instance, creates the namespace, applies the service stack with Terraform and tracks the work in Jira', async () => {
    const imageId = (await ec2().send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
    expect(imageId).toMatch(/^ami-/);
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: { brief, autoApprove: true, inputs: { imageId, jiraProjectKey: 'LEDG', settingsDirectory } },
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

    // Terraform: the service stack planned (three resources) and that plan applied by the real CLI.
    const terraform = done.outputs?.terraform as TerraformOutputs;
    const settingsPath = path.join(settingsDirectory, 'ledger-api-staging.json');
    expect(terraform.changes).toEqual({ add: 3, change: 0, destroy: 0 });
    expect(done.tasks.stackApply?.output).toMatchObject({
      resources: { added: 3, changed: 0, destroyed: 0 },
    });
    expect(terraform.outputs).toEqual({
      deployment_id: expect.stringMatching(/^[0-9a-f]{8}$/),
      database_name: 'ledger_api_staging',
      database_user: 'ledger_api',
      settings_path: settingsPath,
    });
    expect(terraform.sensitiveOutputs).toEqual(['database_password']);
    // The state on disk holds the three resources; the password is there and nowhere else.
    const state = await terraformState(terraform.workspace);
    expect(state.resources.map((resource) => `${resource.type}.${resource.name}`).sort()).toEqual([
      'local_file.settings',
      'random_id.deployment',
      'random_password.database',
    ]);
    const password = String(
      state.resources.find((resource) => resource.type === 'random_password')?.instances[0]?.attributes
        .result,
    );
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    // The settings file the stack wrote records the resources the other steps made, without the password.
    const settingsText = await readFile(settingsPath, 'utf8');
    expect(JSON.parse(settingsText)).toEqual({
      service: 'ledger-api',
      environment: 'staging',
      deploymentId: terraform.outputs.deployment_id,
      kubernetes: { namespace: 'ledger-staging' },
      aws: { instanceId: instance?.InstanceId, securityGroupId: groups?.[0]?.GroupId },
      database: {
        engine: 'postgres',
        name: 'ledger_api_staging',
        user: 'ledger_api',
        passwordFrom: 'terraform output -raw database_password',
      },
    });
    expect(settingsText).not.toContain(password);
    expect(JSON.stringify(done)).not.toContain(password);

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
    const databaseIssue = children.find((issue) => issue.summary.startsWith('Postgres database'));
    expect(JSON.stringify(databaseIssue?.description)).toContain('ledger_api_staging');
    expect(JSON.stringify(databaseIssue?.description)).toContain(terraform.workspace);
    expect(JSON.stringify(issues)).not.toContain(password);
    expect(done.outputs?.epic).toBe(epics[0]?.key);
    expect(done.outputs?.jiraIssues).toEqual(children.map((issue) => issue.key));
    expect(done.outputs?.jiraErrors).toEqual([]);

    expect(jira.server.violations).toEqual([]);
  });

  it('destroys the Terraform stack and undoes the AWS and Kubernetes resources when a later step fails', async () => {
    const imageId = (await ec2().send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId ?? '';
    const epicsBefore = [...jira.fake.issues.values()].length;
    const created = await platform.call('/v1/projects', {
      method: 'POST',
      key,
      json: {
        brief,
        autoApprove: true,
        // No Jira project GONE: the epic, which runs after the stack is applied, fails.
        inputs: {
          imageId,
          jiraProjectKey: 'GONE',
          service: 'ledger-saga',
          namespace: 'ledger-saga',
          settingsDirectory,
        },
      },
    });
    expect(created.status).toBe(202);
    const done = await untilFinished(platform, key, ((await created.json()) as { id: string }).id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/^task epic failed: /);
    expect(done.error).not.toMatch(/compensation of/);
    expect(done.tasks.epic?.status).toBe('failed');
    expect(done.tasks.issues?.status).toBe('skipped');
    expect(done.tasks.stackApply?.status).toBe('compensated');
    expect(done.tasks.namespace?.status).toBe('compensated');
    expect(done.tasks.instance?.status).toBe('compensated');
    expect(done.tasks.securityGroup?.status).toBe('compensated');

    // Terraform: the stack had been applied (its file written); destroy emptied the state and removed the file.
    const applied = done.tasks.stackApply?.output as { workspaceId: string; outputs: ServiceStackOutputs };
    expect(applied.outputs.settings_path).toBe(path.join(settingsDirectory, 'ledger-saga-staging.json'));
    expect(existsSync(applied.outputs.settings_path)).toBe(false);
    expect((await terraformState(applied.workspaceId)).resources).toEqual([]);

    // AWS: the instance terminated, its security group deleted.
    const instances = (
      (
        await ec2().send(
          new DescribeInstancesCommand({ Filters: [{ Name: 'tag:service', Values: ['ledger-saga'] }] }),
        )
      ).Reservations ?? []
    ).flatMap((reservation) => reservation.Instances ?? []);
    expect(instances.map((instance) => instance.State?.Name)).toEqual(['terminated']);
    const groups = await ec2().send(
      new DescribeSecurityGroupsCommand({
        Filters: [{ Name: 'group-name', Values: ['ledger-saga-staging'] }],
      }),
    );
    expect(groups.SecurityGroups).toEqual([]);
    // Kubernetes: the namespace is gone (the compensation waits until the API server has removed it).
    const missing = await cluster.core
      .readNamespace({ name: 'ledger-saga' })
      .catch((error: unknown) => error);
    expect((missing as { code?: number }).code).toBe(404);
    // Jira: nothing was created.
    expect([...jira.fake.issues.values()]).toHaveLength(epicsBefore);
    expect(jira.server.violations).toEqual([]);
  });
});
