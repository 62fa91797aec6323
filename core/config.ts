import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

const url = (protocols: string[]) =>
  optionalString.refine(
    (value) => {
      if (value === undefined) return true;
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/**
 * Every setting SomaGent reads, with its default. The README's configuration table and
 * `.env.example` list the same variables; `test/config.test.ts` keeps the three in step.
 */
export const configSchema = z.object({
  SOMAGENT_PORT: port(8080),
  SOMAGENT_HOST: z.string().default('127.0.0.1'),
  SOMAGENT_DATA_DIR: z.string().min(1).default('./.somagent'),
  SOMAGENT_ADMIN_KEY: optionalString.refine((value) => value === undefined || value.length >= 24, {
    message: 'must be at least 24 characters long',
  }),
  SOMAGENT_DEFAULT_TENANT: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes')
    .default('default'),
  SOMAGENT_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SOMAGENT_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must be a size such as 512kb or 1mb')
    .default('1mb'),
  SOMAGENT_CAPSULES_DIR: optionalString,
  SOMAGENT_CREDENTIALS_KEY: optionalString.refine(
    (value) => value === undefined || Buffer.from(value, 'base64').length === 32,
    { message: 'must be 32 random bytes in base64 (openssl rand -base64 32)' },
  ),
  SOMAGENT_JWT_SECRET: optionalString.refine((value) => value === undefined || value.length >= 32, {
    message: 'must be at least 32 characters long (HS256)',
  }),
  SOMAGENT_JWT_PUBLIC_KEY: optionalString,
  SOMAGENT_JWT_JWKS_URL: url(['https:', 'http:']),
  SOMAGENT_JWT_ISSUER: optionalString,
  SOMAGENT_JWT_AUDIENCE: optionalString,
  SOMAGENT_TEMPORAL_UI_URL: url(['https:', 'http:']),
  SOMAGENT_LLM_URL: url(['https:', 'http:']),
  SOMAGENT_LLM_MODEL: optionalString,
  SOMAGENT_LLM_API_KEY: optionalString,
  SOMAGENT_LLM_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(60),
  TEMPORAL_ADDRESS: optionalString,
  TEMPORAL_NAMESPACE: z.string().min(1).default('somagent'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('somagent'),
  TEMPORAL_API_KEY: optionalString,
  TEMPORAL_TLS_CERT: optionalString,
  TEMPORAL_TLS_KEY: optionalString,
  TEMPORAL_TLS_CA: optionalString,
  TEMPORAL_TLS_SERVER_NAME: optionalString,
  TEMPORAL_PORT: port(7233),
  TEMPORAL_UI_PORT: port(8233),
  TEMPORAL_CLI: optionalString,
  /** Projects mostly wait (approval, timers): they need no place in the cache; see README. */
  TEMPORAL_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(1).default(100),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
});

type RawConfig = z.infer<typeof configSchema>;

/** The validated configuration, with paths resolved. */
export interface Config extends RawConfig {
  /** Absolute path of SOMAGENT_DATA_DIR. */
  dataDir: string;
}

/** Thrown when the environment holds a value SomaGent cannot use; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}\n` +
        'See .env.example or the README configuration table.',
    );
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0] ?? '(environment)');
        const value = env[variable];
        const shown = value === undefined ? '' : ` (got ${JSON.stringify(redactIfSecret(variable, value))})`;
        return { variable, message: `${issue.message}${shown}` };
      }),
    );
  }
  const raw = parsed.data;
  const tlsPair = [raw.TEMPORAL_TLS_CERT, raw.TEMPORAL_TLS_KEY].filter(Boolean).length;
  if (tlsPair === 1) {
    throw new ConfigError([
      {
        variable: 'TEMPORAL_TLS_CERT',
        message: 'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together',
      },
    ]);
  }
  if (Boolean(raw.SOMAGENT_LLM_URL) !== Boolean(raw.SOMAGENT_LLM_MODEL)) {
    throw new ConfigError([
      {
        variable: raw.SOMAGENT_LLM_URL ? 'SOMAGENT_LLM_MODEL' : 'SOMAGENT_LLM_URL',
        message: 'SOMAGENT_LLM_URL and SOMAGENT_LLM_MODEL must be set together (LLM planning)',
      },
    ]);
  }
  return { ...raw, dataDir: path.resolve(raw.SOMAGENT_DATA_DIR) };
}

function redactIfSecret(variable: string, value: string): string {
  return /KEY|SECRET|PASSWORD|TOKEN/.test(variable) ? '[redacted]' : value;
}
