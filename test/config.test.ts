import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../core/config.js';
import { packageRoot } from '../core/paths.js';

function problemsOf(env: Record<string, string>) {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has a documented default for everything, so an empty environment is valid', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      SOMAGENT_PORT: 8080,
      TEMPORAL_NAMESPACE: 'somagent',
      SOMAGENT_DATA_DIR: './.somagent',
    });
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('names each bad variable and what is wrong with it, hiding secrets', () => {
    const error = problemsOf({
      SOMAGENT_PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/x',
      SOMAGENT_ADMIN_KEY: 'short',
      SOMAGENT_LOG_LEVEL: 'loud',
    });
    const variables = error.problems.map((problem) => problem.variable);
    expect(variables).toEqual(
      expect.arrayContaining(['SOMAGENT_PORT', 'DATABASE_URL', 'SOMAGENT_ADMIN_KEY', 'SOMAGENT_LOG_LEVEL']),
    );
    expect(error.message).toContain('DATABASE_URL: must be a URL starting with postgres:// or postgresql://');
    expect(error.message).toContain('"eighty"');
    expect(error.message).toContain(
      'SOMAGENT_ADMIN_KEY: must be at least 24 characters long (got "[redacted]")',
    );
    expect(error.message).not.toContain('short');
  });

  it('wants the mTLS certificate and key together', () => {
    expect(problemsOf({ TEMPORAL_TLS_CERT: '/tmp/cert.pem' }).message).toMatch(
      /TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY/,
    );
  });

  it('wants the LLM endpoint and model together, and a URL that is one', () => {
    expect(problemsOf({ SOMAGENT_LLM_URL: 'http://127.0.0.1:8000/v1' }).problems).toEqual([
      {
        variable: 'SOMAGENT_LLM_MODEL',
        message: 'SOMAGENT_LLM_URL and SOMAGENT_LLM_MODEL must be set together (LLM planning)',
      },
    ]);
    expect(problemsOf({ SOMAGENT_LLM_URL: 'localhost:8000', SOMAGENT_LLM_MODEL: 'm' }).message).toContain(
      'SOMAGENT_LLM_URL: must be a URL starting with https:// or http://',
    );
  });

  it('lists every variable in .env.example and in the README configuration table', () => {
    const example = readFileSync(path.join(packageRoot, '.env.example'), 'utf8');
    const readme = readFileSync(path.join(packageRoot, 'README.md'), 'utf8');
    for (const variable of Object.keys(configSchema.shape)) {
      expect(example, `.env.example lacks ${variable}`).toMatch(new RegExp(`^${variable}=`, 'm'));
      expect(readme, `README lacks ${variable}`).toContain(`| \`${variable}\``);
    }
  });

  it('fails `somagent up` at start with the message, before starting anything', async () => {
    const { runCommand } = await import('../core/system/run-command.js');
    const result = await runCommand(process.execPath, [path.join(packageRoot, 'bin', 'somagent.js'), 'up'], {
      env: { PATH: process.env.PATH, REDIS_URL: 'http://nope' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('REDIS_URL: must be a URL starting with redis:// or rediss://');
  });
});
