import path from 'node:path';
import { buildApp } from '../server/src/app.ts';
import { type AppContext, createContext } from '../server/src/context.ts';
import { BuiltinHost } from '../server/src/environments/builtin.ts';
import { openStore } from '../server/src/store/db.ts';
import type { TestServer } from '../server/src/testserver/server.ts';
import { presetsByName, startSimulatedServer } from '../server/src/testserver/simulated/index.ts';
import { builtinTasks } from '../server/src/world/index.ts';
import { DEFAULT_TIMEOUTS, type Graph, type PresetId, preset, type RunDetail } from '../shared/src/index.ts';

/**
 * Trellis as `server/src/main.ts` builds it (a SQLite file in a data directory, the built-in world with the
 * default sandbox pool, its workers started up front, every route), reached with `inject()`, and the simulated small model served over HTTP on
 * a port that stays the same when the model server is stopped and started again.
 */
export interface ReplayRig {
  app: Awaited<ReturnType<typeof buildApp>>;
  ctx: AppContext;
  endpointId: string;
  /** The simulated model server while it is up, else null. */
  model: TestServer | null;
  startModel(): Promise<TestServer>;
  stopModel(): Promise<void>;
  /** A request to the API; throws unless it answers with `status`. */
  api<T>(method: 'GET' | 'POST', url: string, payload?: object, status?: number): Promise<T>;
  /** Saves a preset with its step limit set; returns the version id. */
  saveGraph(id: PresetId, maxSteps: number): Promise<string>;
  /** Starts a run through the API and waits for its end; the wall time is from the request to the end. */
  runToEnd(body: object): Promise<{ run: RunDetail; wallMs: number }>;
  close(): Promise<void>;
}

export const SIMULATED_MODEL = 'simulated-small';

/** `timeScale` 0 answers at once; 1 serves at the preset's own speed. */
export async function startRig(dataDir: string, seed: number, timeScale: number): Promise<ReplayRig> {
  const [small] = presetsByName(['small']);
  const startModel = (port: number) => startSimulatedServer({ presets: [small!], seed, timeScale, port });
  let model: TestServer | null = await startModel(0);
  const port = Number(new URL(model.url).port);

  const db = await openStore(path.join(dataDir, 'trellis.db'));
  const shutdown = new AbortController();
  const host = new BuiltinHost();
  // Started before anything is measured, as a server does with `warm()`, so no measured run pays for it.
  await host.sandbox().warm();
  const config = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    accessToken: null,
    endpoints: [],
    discovery: false,
    webDist: '/nonexistent',
  };
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
  });
  const app = await buildApp(ctx, { appworldEnvironment: () => host.environment() });
  const endpoint = await ctx.endpoints.create({
    name: 'simulated',
    baseUrl: model.url,
    kind: 'vllm',
    apiKey: null,
    defaultModel: SIMULATED_MODEL,
    defaultParams: {},
    timeouts: DEFAULT_TIMEOUTS,
  });

  const api = async <T>(method: 'GET' | 'POST', url: string, payload?: object, status = 200) => {
    const res = await app.inject({ method, url, ...(payload ? { payload } : {}) });
    if (res.statusCode !== status) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json() as T;
  };

  return {
    app,
    ctx,
    endpointId: endpoint.id,
    get model() {
      return model;
    },
    async startModel() {
      model ??= await startModel(port);
      return model;
    },
    async stopModel() {
      await model?.close();
      model = null;
    },
    api,
    async saveGraph(id, maxSteps) {
      const graph = JSON.parse(JSON.stringify(preset(id).graph)) as Graph;
      graph.limits.maxSteps = maxSteps;
      return (await ctx.graphs.save({ graph, message: `${id}, ${maxSteps} steps` })).id;
    },
    async runToEnd(body) {
      const started = performance.now();
      const { id } = await api<RunDetail>('POST', '/api/runs', { endpointId: endpoint.id, ...body }, 201);
      await ctx.manager.settled(id);
      const wallMs = performance.now() - started;
      return { run: (await ctx.runs.get(id))!, wallMs };
    },
    async close() {
      const runsStopped = ctx.manager.shutdown();
      shutdown.abort();
      await runsStopped;
      await app.close();
      await host.close();
      await db.close();
      await model?.close();
      model = null;
    },
  };
}
