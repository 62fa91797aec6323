import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fixturesServer from '@octokit/fixtures-server';
import express from 'express';

/** The token every @octokit/fixtures recording was made with (after normalization). */
export const RECORDED_TOKEN = '0000000000000000000000000000000000000001';

/** Real GitHub traffic, recorded by @octokit/fixtures and replayed request by request. */
export interface RecordedGithub {
  origin: string;
  /**
   * Loads a scenario (a folder of @octokit/fixtures/scenarios/api.github.com) and answers the base
   * URL that replays it: each request must be the recording's next one (method, path, query,
   * headers such as the token and content length, and body), or it is answered 404 with the
   * request the recording expected.
   */
  load(scenario: string): Promise<string>;
  /** The recorded requests of a loaded scenario that have not been made yet ("METHOD url"). */
  pending(baseUrl: string): Promise<string[]>;
  stop(): Promise<void>;
}

/**
 * @octokit/fixtures-server as express middleware on a free loopback port. It replays through nock
 * inside this process; nock 13 patches only `node:http`, which the adapter (fetch) and the
 * PostgreSQL and Redis clients (raw sockets) do not use.
 */
export async function startRecordedGithub(
  options: { fixtures?: Record<string, unknown[]> } = {},
): Promise<RecordedGithub> {
  const app = express();
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The middleware rewrites recorded URLs to fixturesUrl, so it can only be made once the port is known.
  app.use(
    fixturesServer({
      fixturesUrl: origin,
      logLevel: 'silent',
      ...(options.fixtures ? { fixtures: options.fixtures } : {}),
    }),
  );

  return {
    origin,
    async load(scenario) {
      const response = await fetch(`${origin}/fixtures`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ scenario }),
      });
      const body = (await response.json()) as { url?: string; error?: string };
      if (!response.ok || !body.url)
        throw new Error(`could not load scenario ${scenario}: ${body.error ?? response.status}`);
      return body.url.replace(/\/+$/, '');
    },
    async pending(baseUrl) {
      // A request no recording has: answered with the pending list, or "not found" once all were made.
      const response = await fetch(`${baseUrl}/somagent-probe-of-pending-requests`, {
        headers: { accept: 'application/vnd.github.v3+json' },
      });
      const body = (await response.json()) as { error?: string; detail?: { pending?: string[] } };
      if (body.detail?.pending) return body.detail.pending;
      if (/not found/i.test(body.error ?? '')) return [];
      throw new Error(`unexpected answer from the fixtures server: ${JSON.stringify(body)}`);
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
