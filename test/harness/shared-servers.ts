/** Addresses of the servers the global setup started, handed to every test file. */
export interface SharedServers {
  dataDir: string;
  temporalAddress: string;
  temporalUiUrl: string;
  databaseUrl: string;
  redisUrl: string;
  bundlePath: string;
}

/** The default tenant's admin key in tests (registered through SOMAGENT_ADMIN_KEY, as a user would). */
export const adminKeyForTests = 'sg_test-admin-key-for-the-test-suite-only';

declare module 'vitest' {
  export interface ProvidedContext {
    servers: SharedServers;
  }
}
