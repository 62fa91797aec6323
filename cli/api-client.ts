import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** How the CLI reaches a running SomaGent: SOMAGENT_URL and SOMAGENT_API_KEY, else the local defaults. */
export function apiTarget(env: NodeJS.ProcessEnv = process.env): { url: string; key: string } {
  const url = env.SOMAGENT_URL ?? `http://127.0.0.1:${env.SOMAGENT_PORT ?? '8080'}`;
  let key = env.SOMAGENT_API_KEY;
  if (!key) {
    const file = path.resolve(env.SOMAGENT_DATA_DIR ?? '.somagent', 'admin.key');
    if (existsSync(file)) key = readFileSync(file, 'utf8').trim();
  }
  if (!key) throw new Error('no API key: set SOMAGENT_API_KEY (or run where <data dir>/admin.key exists)');
  return { url, key };
}

/** One API call; a problem+json answer becomes an error with its detail. */
export async function api<T>(method: string, route: string, body?: unknown): Promise<T> {
  const { url, key } = apiTarget();
  const response = await fetch(`${url}${route}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  }).catch((error: unknown) => {
    throw new Error(
      `cannot reach SomaGent at ${url} (${(error as Error).message}); is "somagent up" running?`,
    );
  });
  const text = await response.text();
  const parsed = text
    ? (JSON.parse(text) as T & { detail?: string; errors?: { path: string; message: string }[] })
    : ({} as T & { detail?: string });
  if (!response.ok) {
    const fields = (parsed as { errors?: { path: string; message: string }[] }).errors
      ?.map((e) => `  ${e.path}: ${e.message}`)
      .join('\n');
    throw new Error(`${response.status}: ${parsed.detail ?? text}${fields ? `\n${fields}` : ''}`);
  }
  return parsed;
}
