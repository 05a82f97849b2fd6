import { FINISHED_STATUSES, type RunStatus } from '@trellis/shared';
import type { RunHub } from '../runs/hub.ts';
import { EVENTS_CHANNEL, RUNS_CHANNEL } from '../store/channels.ts';
import type { RunRepo } from '../store/runs.ts';
import type { PgListener } from './listener.ts';

const finished = new Set<string>(FINISHED_STATUSES);

function runIdOf(payload: string): string {
  const colon = payload.indexOf(':');
  return colon < 0 ? payload : payload.slice(0, colon);
}

interface Watched {
  /** The last sequence number handed to the hub. */
  last: number;
  reading: Promise<void> | null;
  /** A notification came while reading: read once more after. */
  again: boolean;
}

/**
 * The web server's view of runs that execute on workers. A run somebody follows is fed into the local hub from the
 * store: every notification of a committed batch reads the events after the last one handed over, in order, so
 * the hub (and every SSE stream reading it) sees each event exactly once, whichever worker wrote it and even when
 * that worker dies (the sweeper's closing event arrives the same way). Waiters on a run's end are answered from
 * the same notifications, with a slow poll behind them in case one is lost.
 */
export class RemoteRuns {
  private readonly watched = new Map<string, Watched>();
  private readonly waiters = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  private readonly poll: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly runs: RunRepo,
    private readonly hub: RunHub,
    listener: PgListener,
    pollMs = 2_000,
  ) {
    listener.on(EVENTS_CHANNEL, (payload) => {
      const runId = runIdOf(payload);
      if (this.watched.has(runId)) this.pull(runId);
    });
    listener.on(RUNS_CHANNEL, (payload) => {
      const runId = runIdOf(payload);
      if (this.watched.has(runId)) this.pull(runId);
      if (this.waiters.has(runId)) void this.check(runId);
    });
    listener.onResync(() => this.resync());
    this.poll = setInterval(() => this.resync(), pollMs);
    this.poll.unref();
  }

  /**
   * Makes a run that is queued or running on a worker followable through the hub, its events so far read in.
   * False when the run has ended (or does not exist): read it from the store instead.
   */
  async watch(runId: string): Promise<boolean> {
    if (this.watched.has(runId)) {
      await this.watched.get(runId)!.reading;
      return true;
    }
    const run = await this.runs.get(runId);
    if (!run || finished.has(run.status)) return false;
    if (this.watched.has(runId)) return true;
    this.hub.open(runId);
    this.watched.set(runId, { last: 0, reading: null, again: false });
    await this.pull(runId);
    return true;
  }

  /** Resolves once the run has ended, wherever it runs. */
  settled(runId: string): Promise<void> {
    let waiter = this.waiters.get(runId);
    if (!waiter) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => {
        resolve = r;
      });
      waiter = { promise, resolve };
      this.waiters.set(runId, waiter);
      void this.check(runId);
    }
    return waiter.promise;
  }

  private async check(runId: string): Promise<void> {
    let status: RunStatus | undefined;
    try {
      status = (await this.runs.get(runId))?.status;
    } catch {
      return; // The store is away: the poll asks again.
    }
    if (status !== undefined && !finished.has(status)) return;
    const waiter = this.waiters.get(runId);
    this.waiters.delete(runId);
    waiter?.resolve();
  }

  private resync(): void {
    if (this.closed) return;
    for (const runId of this.watched.keys()) this.pull(runId);
    for (const runId of this.waiters.keys()) void this.check(runId);
  }

  /** Reads and hands over the events after the last one handed over; one read at a time per run. */
  private pull(runId: string): Promise<void> {
    const watched = this.watched.get(runId);
    if (!watched) return Promise.resolve();
    if (watched.reading) {
      watched.again = true;
      return watched.reading;
    }
    watched.reading = (async () => {
      do {
        watched.again = false;
        let events: Awaited<ReturnType<RunRepo['events']>>;
        try {
          events = await this.runs.events(runId, watched.last);
        } catch {
          return; // The store is away: the next notification or the poll reads again.
        }
        for (const event of events) {
          if (event.seq <= watched.last) continue;
          watched.last = event.seq;
          this.hub.publish(event);
          if (event.type === 'run.finished') {
            this.watched.delete(runId);
            return;
          }
        }
      } while (watched.again);
    })().finally(() => {
      watched.reading = null;
    });
    return watched.reading;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poll);
    for (const waiter of this.waiters.values()) waiter.resolve();
    this.waiters.clear();
  }
}
