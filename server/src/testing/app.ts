import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { type AppContext, type ContextOptions, createContext } from '../context.ts';
import { BuiltinHost } from '../environments/builtin.ts';
import { openStore } from '../store/db.ts';
import { builtinTasks } from '../world/index.ts';

export interface TestApp {
  app: FastifyInstance;
  ctx: AppContext;
  host: BuiltinHost;
  close(): Promise<void>;
}

/** A Trellis app over a private in-memory store and the built-in world, for `inject()` and live-server tests. */
export async function createTestApp(
  overrides: Partial<Config> = {},
  options: Partial<ContextOptions> & {
    poolSize?: number;
    /** A store file that outlives the app (a restart); else a private in-memory store. */
    dbFile?: string;
  } = {},
): Promise<TestApp> {
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
  const db = await openStore(options.dbFile ?? ':memory:');
  const shutdown = new AbortController();
  const host = new BuiltinHost({ poolSize: options.poolSize ?? 1 });
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
    ...options,
  });
  const app = await buildApp(ctx, { appworldEnvironment: () => host.environment() });
  return {
    app,
    ctx,
    host,
    async close() {
      const runsStopped = ctx.manager.shutdown();
      shutdown.abort();
      await runsStopped;
      await app.close();
      await host.close();
      await db.close();
    },
  };
}
