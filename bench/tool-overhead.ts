import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { CreateSecurityGroupCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { Redis } from 'ioredis';
import { connectEc2 } from '../adapters/aws/client.js';
import { awsAdapter } from '../adapters/aws/index.js';
import { CredentialStore } from '../adapters/core/credential-store.js';
import { ToolRuntime } from '../adapters/core/tool-runtime.js';
import { migrate } from '../core/db/migrate.js';
import { createPool } from '../core/db/pool.js';
import { createLogger } from '../core/logger.js';
import { createMetrics } from '../core/metrics.js';
import { startEmbeddedPostgres } from '../embedded/embedded-postgres.js';
import { startEmbeddedRedis } from '../embedded/embedded-redis.js';
import { scratchDir } from '../embedded/scratch-dir.js';
import { ensureTenant } from '../identity/tenants.js';
import { startMoto } from '../test/servers/moto.js';
import { benchAdapter } from './bench-adapter.js';
import { fmt, percentile, sideBySide } from './stats.js';

/**
 * The cost of the adapter framework: the same EC2 call through ToolRuntime.invoke (validation,
 * credentials, shared rate limit, side-effect ledger, metering) and straight on the AWS SDK,
 * against the same moto server, alternated call by call.
 */
export async function benchToolOverhead(rounds = 300): Promise<void> {
  const logger = createLogger('warn');
  const dir = scratchDir('somagent-bench-');
  const [postgres, redisServer, moto] = await Promise.all([
    startEmbeddedPostgres(path.join(dir, 'postgres'), logger, { durable: false }),
    startEmbeddedRedis(path.join(dir, 'redis'), logger),
    startMoto(),
  ]);
  const pool = createPool(postgres.url);
  const redis = new Redis(redisServer.url);
  try {
    await migrate(postgres.url, logger);
    await ensureTenant(pool, 'bench', 'Bench');
    const env = {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'AKIABENCH00000000001',
      AWS_SECRET_ACCESS_KEY: 'bench-secret',
      AWS_ENDPOINT_URL_EC2: moto.endpoint,
    };
    const runtime = new ToolRuntime({
      // EC2's own limit (20 calls a second, burst 40) would pace the calls 50 ms apart and be
      // measured instead of the framework: lifted here, still taken from Redis on every call.
      adapters: [{ ...awsAdapter, rateLimit: { perSecond: 1_000_000, burst: 1_000_000 } }, benchAdapter],
      pool,
      redis,
      logger,
      metrics: createMetrics(),
      credentials: new CredentialStore(pool, randomBytes(32)),
      artifactsDir: path.join(dir, 'artifacts'),
      env,
    });
    const ec2 = connectEc2({
      region: 'us-east-1',
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      endpoint: moto.endpoint,
    });
    const group = () => ({ groupName: `bench-${randomUUID()}`, description: 'bench' });

    for (let i = 0; i < 20; i++) {
      await runtime.invoke({ tenantId: 'bench', tool: 'aws', operation: 'describeInstances', input: {} });
      await ec2.send(new DescribeInstancesCommand({}));
    }
    const writes = await sideBySide(
      rounds,
      () =>
        runtime.invoke({
          tenantId: 'bench',
          tool: 'aws',
          operation: 'createSecurityGroup',
          input: group(),
          idempotencyKey: randomUUID(),
        }),
      () => {
        const input = group();
        return ec2.send(
          new CreateSecurityGroupCommand({ GroupName: input.groupName, Description: input.description }),
        );
      },
    );
    const reads = await sideBySide(
      rounds,
      () =>
        runtime.invoke({
          tenantId: 'bench',
          tool: 'aws',
          operation: 'describeInstances',
          input: { tags: { none: 'x' } },
        }),
      () => ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:none', Values: ['x'] }] })),
    );
    console.log(
      `\ninvokeTool overhead against moto (${rounds} calls each, alternated; EC2's rate limit lifted so it does not pace the calls)`,
    );
    for (const [name, times] of [
      ['write (createSecurityGroup, ledger)', writes],
      ['read (describeInstances)', reads],
    ] as const) {
      const added50 = percentile(times.a, 50) - percentile(times.b, 50);
      const added99 = percentile(times.a, 99) - percentile(times.b, 99);
      console.log(
        `  ${name}: invokeTool p50 ${fmt(percentile(times.a, 50))} p99 ${fmt(percentile(times.a, 99))} | ` +
          `SDK p50 ${fmt(percentile(times.b, 50))} p99 ${fmt(percentile(times.b, 99))} | ` +
          `added p50 ${fmt(added50)} p99 ${fmt(added99)} | ratio p50 ${(percentile(times.a, 50) / percentile(times.b, 50)).toFixed(2)} ` +
          `(target: <= 2 ms added at p50: ${added50 <= 2 ? 'met' : 'NOT met'}) | CPU in this process per call: ` +
          `invokeTool ${fmt(times.cpu.a)}, SDK ${fmt(times.cpu.b)}, added ${fmt(times.cpu.a - times.cpu.b)}`,
      );
    }

    // The framework alone: a tool that does nothing, through invokeTool and called directly.
    const direct = (operation: 'noop' | 'noopWrite') => () =>
      benchAdapter.operations[operation]?.run({ client: {} } as never, {}) ?? Promise.resolve();
    for (let i = 0; i < 50; i++)
      await runtime.invoke({ tenantId: 'bench', tool: 'bench', operation: 'noop', input: {} });
    const frameworkRead = await sideBySide(
      rounds,
      () => runtime.invoke({ tenantId: 'bench', tool: 'bench', operation: 'noop', input: {} }),
      direct('noop'),
    );
    const frameworkWrite = await sideBySide(
      rounds,
      () =>
        runtime.invoke({
          tenantId: 'bench',
          tool: 'bench',
          operation: 'noopWrite',
          input: {},
          idempotencyKey: randomUUID(),
        }),
      direct('noopWrite'),
    );
    console.log(
      `\ninvokeTool on a tool that does nothing (${rounds} calls each): what the framework adds to any call`,
    );
    for (const [name, times] of [
      ['write (ledger claim + completion, rate-limit token, metering)', frameworkWrite],
      ['read (rate-limit token, metering)', frameworkRead],
    ] as const) {
      const added50 = percentile(times.a, 50) - percentile(times.b, 50);
      console.log(
        `  ${name}: invokeTool p50 ${fmt(percentile(times.a, 50))} p99 ${fmt(percentile(times.a, 99))} | ` +
          `direct p50 ${fmt(percentile(times.b, 50))} | added p50 ${fmt(added50)} (target <= 2 ms: ${added50 <= 2 ? 'met' : 'NOT met'}) | ` +
          `CPU added ${fmt(times.cpu.a - times.cpu.b)}`,
      );
    }
    await runtime.close();
  } finally {
    await Promise.allSettled([pool.end(), redis.quit()]);
    await Promise.allSettled([postgres.stop(), redisServer.stop(), moto.stop()]);
  }
}
