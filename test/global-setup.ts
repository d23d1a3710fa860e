/**
 * Global test setup: one real PostgreSQL server for the whole run (initdb in a temporary folder,
 * a free port, stopped at the end). Suites create their own database on it.
 */
import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string of the test PostgreSQL server (database `postgres`). */
    postgresUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  process.env.VANTAGE_TEST_POSTGRES_URL = server.url;
  return () => server.stop();
}
