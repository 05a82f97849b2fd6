import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { openDb } from '../store/db.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  close(): Promise<void>;
}

/** A Trellis app over a private in-memory store, for `inject()` tests. */
export async function createTestApp(overrides: Partial<Config> = {}): Promise<TestApp> {
  const config: Config = {
    host: '127.0.0.1',
    port: 0,
    dataDir: ':memory:',
    accessToken: null,
    endpoints: [],
    discovery: false,
    webDist: '/nonexistent',
    ...overrides,
  };
  const db = openDb(':memory:');
  const shutdown = new AbortController();
  const ctx = createContext(config, db, shutdown.signal);
  const app = await buildApp(ctx);
  return {
    app,
    ctx,
    async close() {
      shutdown.abort();
      await app.close();
      db.close();
    },
  };
}
