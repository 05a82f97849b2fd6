import { preset } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Config } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { BuiltinHost } from '../environments/builtin.ts';
import { openStore, type Store } from '../store/db.ts';
import { createTestDatabase } from '../testing/postgres.ts';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';
import { builtinTasks } from '../world/index.ts';
import { startTeamWeb, type TeamWeb } from './web.ts';
import { startWorker, type WorkerHandle } from './worker.ts';

const TASK = 'notes_pin_3';

describe('cancelling runs that workers execute', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let model: TestServer;
  let store: Store;
  let team: TeamWeb;
  let ctx: AppContext;
  let host: BuiltinHost;
  let worker: WorkerHandle | null = null;
  let config: Config;
  const shutdown = new AbortController();
  let endpointId = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    model = await startSimulatedServer({ presets: [SIMULATED_PRESETS.small!], timeScale: 0.3 });
    config = {
      host: '127.0.0.1',
      port: 0,
      dataDir: ':memory:',
      accessToken: null,
      endpoints: [],
      discovery: false,
      webDist: '/nonexistent',
      databaseUrl: database.url,
      execution: 'workers',
    };
    store = await openStore(database.url);
    team = await startTeamWeb(config, store, () => undefined);
    host = new BuiltinHost({ poolSize: 1 });
    ctx = createContext(config, store, shutdown.signal, {
      tasks: builtinTasks,
      environment: () => host.environment(),
      hub: team.hub,
      team: team.wiring,
    });
    await team.join(ctx.manager);
    endpointId = (
      await ctx.endpoints.create({
        name: 'simulated',
        baseUrl: model.url,
        kind: 'vllm',
        apiKey: null,
        defaultModel: 'simulated-small',
        defaultParams: {},
        timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
      })
    ).id;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    shutdown.abort();
    await team.close();
    await host.close();
    await store.close();
    await model.close();
    await database.drop();
  });

  const start = async () => {
    const version = await ctx.graphs.save({ graph: preset('react-baseline').graph, message: 'cancel' });
    return ctx.manager.start({ version, taskId: TASK, difficulty: 3, endpointId, overrides: {}, seed: 3 });
  };

  it('ends a queued run at once, and no worker runs it afterwards', async () => {
    const queued = await start();
    expect(queued.status).toBe('queued');
    expect(await ctx.manager.cancel(queued.id)).toBe(true);
    await ctx.manager.settled(queued.id);
    const events = await ctx.events.list(queued.id);
    expect(events).toMatchObject([{ seq: 1, type: 'run.finished', status: 'cancelled' }]);

    worker = await startWorker(config, { concurrency: 2, log: () => undefined });
    const next = await start();
    await vi.waitFor(async () => expect((await ctx.runs.get(next.id))?.status).toBe('running'), {
      timeout: 30_000,
      interval: 50,
    });
    expect((await ctx.runs.get(queued.id))?.status).toBe('cancelled');
    expect(await ctx.events.list(queued.id)).toHaveLength(1);
    await ctx.manager.cancel(next.id);
    await ctx.manager.settled(next.id);
  });

  it('stops a run a worker is executing, from the web server', async () => {
    const run = await start();
    const seen: string[] = [];
    let ended: string | null = null;
    ctx.events.follow(run.id, 0, {
      event: (event) => seen.push(event.type),
      end: (status) => {
        ended = status;
      },
    });
    await vi.waitFor(() => expect(seen).toContain('step.started'), { timeout: 30_000, interval: 20 });
    expect(await ctx.manager.cancel(run.id)).toBe(true);
    await ctx.manager.settled(run.id);
    const stored = await ctx.runs.get(run.id);
    expect(stored).toMatchObject({ status: 'cancelled', error: 'cancelled by the user' });
    await vi.waitFor(() => expect(ended).toBe('cancelled'), { timeout: 10_000 });
    expect(seen.filter((type) => type === 'run.finished')).toHaveLength(1);
    // Ended: cancelling again says so.
    expect(await ctx.manager.cancel(run.id)).toBe(false);
  });
});
