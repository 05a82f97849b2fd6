import path from 'node:path';
import { type AppContext, createContext } from '../server/src/context.ts';
import { BuiltinHost } from '../server/src/environments/builtin.ts';
import { type ExperimentServices, experimentServices } from '../server/src/experiments/services.ts';
import { openStore } from '../server/src/store/db.ts';
import { pythonBlock, SYSTEM_MARKERS } from '../server/src/testing/run.ts';
import type { ScriptEntry, ScriptReply } from '../server/src/testserver/script.ts';
import { builtinTasks, getTask } from '../server/src/world/index.ts';
import { DEFAULT_TIMEOUTS, type WorldTask } from '../shared/src/index.ts';

/**
 * Trellis as `server/src/main.ts` builds it, in this process: the server's own `createContext` over a SQLite file,
 * the built-in world with the sandbox pool at its default size (one worker per CPU, started before anything is
 * measured and shared by every context), and the experiment services. The inference endpoint is the scripted test
 * server in its own process.
 */
export interface TrellisRig {
  ctx: AppContext;
  host: BuiltinHost;
  services: ExperimentServices;
  endpointId: string;
  /** The store's file. */
  dbFile: string;
  /** Stops what is in flight and closes the store (the sandbox host stays, it is shared). */
  close(): Promise<void>;
}

export async function startHost(): Promise<BuiltinHost> {
  const host = new BuiltinHost();
  await host.sandbox().warm();
  return host;
}

export interface RigOptions {
  /** Model requests in flight per endpoint; undefined keeps the server's own default, as `main.ts` does. */
  perEndpointRequests?: number | undefined;
  /** SQLite's page cache for the store, in KiB; undefined keeps the store's own setting (db.ts). */
  pageCacheKb?: number | undefined;
}

/** `dbFile` is the store's file (several contexts may share one data directory with different files). */
export async function startTrellis(
  host: BuiltinHost,
  dataDir: string,
  dbFile: string,
  upstream: { url: string; defaultModel: string },
  { perEndpointRequests, pageCacheKb }: RigOptions = {},
): Promise<TrellisRig> {
  const file = path.join(dataDir, dbFile);
  const db = await openStore(file);
  if (pageCacheKb !== undefined) await db.exec(`PRAGMA cache_size = -${pageCacheKb}`);
  const shutdown = new AbortController();
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
    ...(perEndpointRequests ? { perEndpointRequests } : {}),
  });
  const services = experimentServices(ctx);
  const endpoint = await ctx.endpoints.create({
    name: 'scripted',
    baseUrl: upstream.url,
    kind: 'vllm',
    apiKey: null,
    defaultModel: upstream.defaultModel,
    defaultParams: {},
    timeouts: DEFAULT_TIMEOUTS,
  });
  return {
    ctx,
    host,
    services,
    endpointId: endpoint.id,
    dbFile: file,
    async close() {
      const runsStopped = ctx.manager.shutdown();
      shutdown.abort();
      await runsStopped;
      await services.experiments.idle();
      await ctx.writer.flush();
      await db.close();
    },
  };
}

/**
 * What the agent's first request on a task says, and no other task's does: the supervisor's contact, the date and
 * the instruction, as the agent's user prompt lays them out (several tasks share an instruction).
 */
export function taskKey(task: WorldTask): string {
  const s = task.supervisor;
  return `(${s.email}, ${s.phone_number})\nDate: ${task.datetime}\n\nTask: ${task.instruction}\n\nApps available:`;
}

/** The task's reference solution as one python block: the run completes the task at its first step. */
export const solution = (taskId: string): string => pythonBlock(getTask(taskId)!.solution);

/** Gives up on the task at its first step: the run ends `failed`, after one model call like a solved one. */
export const giveUp = (): string => pythonBlock('apis.supervisor.complete_task(status="fail")');

/** A repeating script entry answering the agent's first request on `taskId` (for `model`, when given). */
export function agentReply(taskId: string, reply: ScriptReply, model?: string): ScriptEntry {
  return {
    repeat: true,
    match: { system: SYSTEM_MARKERS.agent, contains: taskKey(getTask(taskId)!), ...(model ? { model } : {}) },
    reply,
  };
}
