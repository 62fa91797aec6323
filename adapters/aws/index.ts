import { DescribeAvailabilityZonesCommand } from '@aws-sdk/client-ec2';
import { defineAdapter } from '../core/define-adapter.js';
import { awsCredentials, classifyEc2Error, connectEc2 } from './client.js';
import { instanceOperations } from './instances.js';
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
  connect: (credentials) => connectEc2(credentials),
  testConnection: async (client) => {
    await client.send(new DescribeAvailabilityZonesCommand({}));
  },
  classifyError: classifyEc2Error,
  disconnect: async (client) => client.destroy(),
  operations: { ...instanceOperations, ...securityGroupOperations },
});
