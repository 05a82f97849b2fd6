import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { Config } from '../config.ts';
import { createContext } from '../context.ts';
import { BuiltinHost } from '../environments/builtin.ts';
import { CANCEL_CHANNEL } from '../store/channels.ts';
import { openStore, type Store } from '../store/db.ts';
import { builtinTasks } from '../world/index.ts';
import { SharedEndpointLimits } from './endpoint-slots.ts';
import { PgListener } from './listener.ts';
import { Membership } from './membership.ts';
import { RunQueue, startQueueRunner } from './queue.ts';

export interface WorkerOptions {
  /** Runs this worker executes at once (its job slots, and the size of its sandbox pool). */
  concurrency: number;
  /** A name for the workers list; the host name by default. */
  name?: string;
  heartbeatMs?: number;
  staleMs?: number;
  log?: (line: string) => void;
}

export interface WorkerHandle {
  id: string;
  store: Store;
  /** Stops taking runs, interrupts those in hand (their traces kept) and leaves the team. */
  stop(reason?: string): Promise<void>;
  /** Settles when the worker has stopped, by stop() or because it was declared gone. */
  stopped: Promise<void>;
}

/**
 * A run worker of a team deployment: takes queued runs from PostgreSQL, executes them with its own sandbox pool
 * and records their events in the shared store, from which the web server streams them.
 */
export async function startWorker(config: Config, options: WorkerOptions): Promise<WorkerHandle> {
  const url = config.databaseUrl;
  if (!url) throw new Error('a worker needs the team database: set TRELLIS_DATABASE_URL to a PostgreSQL URL');
  const log = options.log ?? ((line: string) => console.log(`trellis worker: ${line}`));
  const id = `wk_${randomBytes(5).toString('hex')}`;

  const store = await openStore(url, { max: options.concurrency * 2 + 4 });
  const listener = new PgListener(url);
  await listener.start();
  const queue = await RunQueue.open(url);
  const host = new BuiltinHost({ poolSize: options.concurrency });
  const shutdown = new AbortController();
  const limits = new SharedEndpointLimits(store, listener, id, config.perEndpointRequests ?? 64);
  const ctx = createContext(config, store, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
    maxConcurrentRuns: options.concurrency,
    // Live readers are in the web server and wait for the store: each batch is written as soon as it can be.
    eventWriteIntervalMs: 0,
    team: { processId: id, endpointLimits: limits },
  });
  listener.on(CANCEL_CHANNEL, (runId) => {
    void ctx.manager.cancel(runId);
  });

  let stopping: Promise<void> | null = null;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  const membership = new Membership(store, queue, ctx.manager, {
    id,
    name: options.name ?? os.hostname(),
    concurrency: options.concurrency,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.staleMs ? { staleMs: options.staleMs } : {}),
    log,
    onGone: () => void stop('this worker was declared gone after missing its heartbeats'),
  });
  await membership.join();
  const runner = await startQueueRunner({
    url,
    concurrency: options.concurrency,
    execute: (runId) => ctx.manager.executeQueued(runId),
    onWorkerIds: (ids) => {
      void membership.registry.setQueueWorkerIds(id, ids).catch(() => undefined);
    },
  });
  log(`${id} taking up to ${options.concurrency} run(s) at once from ${store.location}`);

  async function stop(reason = 'the worker was stopped'): Promise<void> {
    stopping ??= (async () => {
      const runsStopped = ctx.manager.shutdown(reason);
      shutdown.abort();
      await runsStopped;
      await runner.stop().catch(() => undefined);
      await membership.leave(reason);
      await ctx.writer.flush().catch(() => undefined);
      await queue.close().catch(() => undefined);
      await listener.close();
      await host.close();
      await store.close();
      resolveStopped();
    })();
    return stopping;
  }

  runner.done.catch((error: unknown) => {
    log(`the job runner failed: ${(error as Error).message}`);
    void stop('the job runner failed');
  });

  return { id, store, stop, stopped };
}
