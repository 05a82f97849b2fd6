import type { RunEvent } from '@trellis/shared';

type Listener = (event: RunEvent) => void;

interface LiveRun {
  events: RunEvent[];
  listeners: Set<Listener>;
  finished: boolean;
}

/**
 * Live runs' events in memory, so a reader can replay from any sequence number and then follow, with no gap and
 * no duplicate (replay and subscribe happen in the same tick). Finished runs are dropped after a grace period and
 * served from the store.
 */
export class RunHub {
  private readonly live = new Map<string, LiveRun>();

  constructor(private readonly graceMs = 30_000) {}

  open(runId: string): void {
    this.live.set(runId, { events: [], listeners: new Set(), finished: false });
  }

  /** Forgets a run that was opened but never started (its record could not be created). */
  discard(runId: string): void {
    this.live.delete(runId);
  }

  publish(event: RunEvent): void {
    const run = this.live.get(event.runId);
    if (!run) return;
    run.events.push(event);
    for (const listener of run.listeners) listener(event);
    if (event.type === 'run.finished') {
      run.finished = true;
      setTimeout(() => this.live.delete(event.runId), this.graceMs).unref();
    }
  }

  /**
   * Replays events after `after`, then follows. Returns null when the run is not held in memory (read the store
   * instead), otherwise an unsubscribe function.
   */
  follow(runId: string, after: number, listener: Listener): (() => void) | null {
    const run = this.live.get(runId);
    if (!run) return null;
    for (const event of run.events) if (event.seq > after) listener(event);
    if (run.finished) return () => undefined;
    run.listeners.add(listener);
    return () => run.listeners.delete(listener);
  }
}
