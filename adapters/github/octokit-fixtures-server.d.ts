// @octokit/fixtures-server ships JavaScript only; this is the part of its API the tests use.
declare module '@octokit/fixtures-server' {
  import type { RequestHandler } from 'express';

  interface FixturesServerOptions {
    /** Origin clients reach the server at; the recorded URLs (Link headers, `url` fields) are rewritten to it. */
    fixturesUrl?: string;
    logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
    /** How long a loaded scenario stays available, in ms. */
    ttl?: number;
    /** Scenario name -> recorded fixtures (nock definitions); default: every @octokit/fixtures scenario. */
    fixtures?: Record<string, unknown[]>;
  }

  export default function fixturesServer(options?: FixturesServerOptions): RequestHandler;
}
