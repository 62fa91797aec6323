import { defineAdapter } from '../core/define-adapter.js';
import { awsCredentials } from './credentials.js';
import { classifyEc2Error } from './errors.js';
import { instanceOperations } from './instances.js';
import { ec2ClientModule, ec2Sdk } from './sdk.js';
import { securityGroupOperations } from './security-groups.js';

/** AWS EC2 through the official SDK v3 (@aws-sdk/client-ec2). */
export const awsAdapter = defineAdapter({
  id: 'aws',
  title: 'AWS EC2',
  credentials: {
    schema: awsCredentials,
    env: {
      region: 'AWS_REGION',
      accessKeyId: 'AWS_ACCESS_KEY_ID',
      secretAccessKey: 'AWS_SECRET_ACCESS_KEY',
      sessionToken: 'AWS_SESSION_TOKEN',
      endpoint: 'AWS_ENDPOINT_URL_EC2',
    },
    secret: ['secretAccessKey', 'sessionToken'],
  },
  rateLimit: { perSecond: 20, burst: 40 },
  connect: async (credentials) => (await ec2ClientModule()).connectEc2(credentials),
  testConnection: async (client) => {
    const { DescribeAvailabilityZonesCommand } = await ec2Sdk();
    await client.send(new DescribeAvailabilityZonesCommand({}));
  },
  classifyError: classifyEc2Error,
  disconnect: async (client) => client.destroy(),
  operations: { ...instanceOperations, ...securityGroupOperations },
});
