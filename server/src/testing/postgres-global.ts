import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL URL on which tests may create and drop databases of their own. */
    postgresAdminUrl: string;
  }
}

/**
 * One PostgreSQL server for the whole server test run: TRELLIS_TEST_DATABASE_URL when set (a server tests may
 * create databases on), else a throwaway cluster started here and stopped at the end.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.TRELLIS_TEST_DATABASE_URL?.trim();
  if (given) {
    project.provide('postgresAdminUrl', given);
    return () => undefined;
  }
  const cluster = await startPostgresCluster();
  project.provide('postgresAdminUrl', cluster.adminUrl);
  return () => cluster.stop();
}
