import type { Redis } from 'ioredis';
import { ToolError } from './errors.js';

// One round trip per call: first the pause a 429 set (shared by every worker), then a token from
// the bucket, all on the Redis clock. Returns 0 when the call may go, else the milliseconds to wait.
const acquireScript = `
local paused = redis.call('PTTL', KEYS[1])
if paused > 0 then return paused end
local rate = tonumber(ARGV[1]) / 1000
if rate <= 0 then return 0 end
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local data = redis.call('HMGET', KEYS[2], 'tokens', 'ts')
local tokens = tonumber(data[1]) or burst
local ts = tonumber(data[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - ts) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / rate) end
redis.call('HSET', KEYS[2], 'tokens', tokens, 'ts', now)
redis.call('PEXPIRE', KEYS[2], math.ceil(burst / rate) + 1000)
return wait
`;

// Extends a pause, never shortens one another worker set.
const pauseScript = `
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], '1', 'PX', ARGV[1]) end
return 1
`;

type LimiterRedis = Redis & {
  somagentAcquire(pauseKey: string, bucketKey: string, perSecond: number, burst: number): Promise<number>;
  somagentPause(pauseKey: string, ms: number): Promise<number>;
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

/**
 * Call limits per tool and credential, shared by all workers through Redis: a token bucket for
 * the steady rate, and a pause that a 429 with Retry-After sets for everybody using that key.
 */
export class SharedRateLimiter {
  private readonly redis: LimiterRedis;

  constructor(
    redis: Redis,
    private readonly prefix = 'somagent:limits',
  ) {
    // defineCommand sends each script once and then calls it by its SHA.
    if (!('somagentAcquire' in redis)) {
      redis.defineCommand('somagentAcquire', { numberOfKeys: 2, lua: acquireScript });
      redis.defineCommand('somagentPause', { numberOfKeys: 1, lua: pauseScript });
    }
    this.redis = redis as LimiterRedis;
  }

  /** Milliseconds this key is still paused for (0 when it is not). */
  async pausedFor(key: string): Promise<number> {
    return Math.max(0, await this.redis.pttl(`${this.prefix}:pause:${key}`));
  }

  async pause(key: string, ms: number): Promise<void> {
    await this.redis.somagentPause(`${this.prefix}:pause:${key}`, Math.max(1, Math.ceil(ms)));
  }

  /**
   * Waits for the key's pause and a token, up to `maxWaitMs`; past that it throws a
   * rate_limited ToolError carrying the wait, so Temporal retries the activity after it.
   */
  async acquire(
    key: string,
    limit: { perSecond: number; burst: number } | undefined,
    options: { maxWaitMs: number; signal?: AbortSignal },
  ): Promise<void> {
    const deadline = Date.now() + options.maxWaitMs;
    for (;;) {
      const wait = Number(
        await this.redis.somagentAcquire(
          `${this.prefix}:pause:${key}`,
          `${this.prefix}:bucket:${key}`,
          limit?.perSecond ?? 0,
          limit?.burst ?? 0,
        ),
      );
      if (wait <= 0) return;
      if (Date.now() + wait > deadline) {
        throw new ToolError(
          'rate_limited',
          `rate limit for ${key.split(':')[0]}: next call allowed in ${wait} ms`,
          {
            retryAfterMs: wait,
          },
        );
      }
      await sleep(wait, options.signal);
    }
  }
}
