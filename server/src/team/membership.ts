import os from 'node:os';
import type { RunManager } from '../runs/manager.ts';
import type { Sql } from '../store/sql.ts';
import type { RunQueue } from './queue.ts';
import { WorkerRegistry } from './workers.ts';

export const DEFAULT_HEARTBEAT_MS = 2_000;
export const DEFAULT_STALE_MS = 10_000;

export interface MembershipOptions {
  id: string;
  name: string;
  /** Runs it executes at once (0 for a web server, which executes only forks it starts itself). */
  concurrency: number;
  heartbeatMs?: number;
  staleMs?: number;
  log: (line: string) => void;
  /** Called once if another process declared this one gone: its runs were ended elsewhere. */
  onGone: () => void;
}

/**
 * A process's place in a team deployment: registered in the workers table, beating every `heartbeatMs`,
 * cancelling the runs it holds that somebody asked to cancel, and sweeping — any process that finds a member
 * silent for `staleMs` ends that member's runs as interrupted and releases its queue jobs.
 */
export class Membership {
  readonly registry: WorkerRegistry;
  private timer: NodeJS.Timeout | null = null;
  private gone = false;

  constructor(
    sql: Sql,
    private readonly queue: RunQueue,
    private readonly manager: RunManager,
    private readonly options: MembershipOptions,
  ) {
    this.registry = new WorkerRegistry(sql);
  }

  async join(): Promise<void> {
    await this.registry.register({
      id: this.options.id,
      name: this.options.name,
      host: os.hostname(),
      pid: process.pid,
      concurrency: this.options.concurrency,
    });
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  }

  /** One beat: alive, cancels, sweep. Public so tests can drive it without waiting for the timer. */
  async beat(): Promise<void> {
    const { id, log } = this.options;
    try {
      if (!(await this.registry.heartbeat(id))) {
        if (!this.gone) {
          this.gone = true;
          log(`${id} was declared gone by another process; stopping`);
          this.options.onGone();
        }
        return;
      }
      for (const runId of await this.manager.cancelRequested()) await this.manager.cancel(runId);
      const swept = await this.registry.sweep(this.options.staleMs ?? DEFAULT_STALE_MS);
      if (swept.workers.length > 0) {
        await this.queue.releaseWorkers(swept.queueWorkerIds);
        log(
          `declared ${swept.workers.join(', ')} gone; ${swept.interruptedRuns.length} run(s) it held ended as interrupted`,
        );
      }
    } catch (error) {
      log(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  async leave(reason: string): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.registry.stopped(this.options.id, reason).catch(() => undefined);
  }
}
