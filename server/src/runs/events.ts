import type { RunEvent } from '@trellis/shared';
import type { EventWriter } from '../store/event-writer.ts';
import type { RunRepo } from '../store/runs.ts';
import type { RunHub } from './hub.ts';

export interface EventFollower {
  /** Each event after the starting sequence number, in order, exactly once. */
  event(event: RunEvent): void;
  /** The run has finished (or was found finished) and every event was delivered; `status` is its end state. */
  end(status: string): void;
  /**
   * The recorded events could not be read (the store is unavailable); nothing more is delivered. Without it the
   * follower ends with status `unknown`.
   */
  fail?(error: Error): void;
}

/** Runs executing in other processes (a team's workers), followed through this process's hub. */
export interface RemoteEvents {
  /** Starts feeding the hub with a run that is live elsewhere; false when it is not live anywhere. */
  watch(runId: string): Promise<boolean>;
}

/**
 * The one place a run's events are read from, whether the run is live or long finished: the hub holds live runs'
 * events in memory, the writer's batches reach the store, and the store holds the rest. Readers never flush the
 * writer or choose between the two themselves.
 */
export class RunEvents {
  constructor(
    private readonly runs: RunRepo,
    private readonly writer: EventWriter,
    private readonly hub: RunHub,
    private readonly remote?: RemoteEvents,
  ) {}

  /**
   * Delivers events after `after`, then follows the run until it finishes. Returns a function that stops
   * following. Live runs replay from memory and subscribe in the same tick, so nothing is missed or repeated; a
   * run not held in memory is read from the store, its events delivered once that read has answered (after this
   * returns) unless the follower stopped first.
   */
  follow(runId: string, after: number, follower: EventFollower): () => void {
    const listener = (event: RunEvent) => {
      follower.event(event);
      if (event.type === 'run.finished') follower.end(event.status);
    };
    const unsubscribe = this.hub.follow(runId, after, listener);
    if (unsubscribe !== null) return unsubscribe;
    let stopped = false;
    let following: (() => void) | null = null;
    const read = async () => {
      // Live on a worker: fed into the hub from the store, and followed there like a run of this process.
      if (this.remote && (await this.remote.watch(runId))) {
        if (stopped) return;
        following = this.hub.follow(runId, after, listener);
        if (following !== null) return;
      }
      await this.recorded(runId, after, follower, () => stopped);
    };
    // Detached: the caller holds only the stop function; a failed read reaches the follower instead.
    void read().catch((error: unknown) => {
      if (stopped) return;
      const failure = error instanceof Error ? error : new Error(String(error));
      if (follower.fail) follower.fail(failure);
      else follower.end('unknown');
    });
    return () => {
      stopped = true;
      following?.();
    };
  }

  /**
   * A run that is not live: every event it recorded, then its status. The writer's flush resolves once every
   * event buffered or being written when it was called is in the store, so none is missed.
   */
  private async recorded(
    runId: string,
    after: number,
    follower: EventFollower,
    stopped: () => boolean,
  ): Promise<void> {
    await this.writer.flush();
    const events = await this.runs.events(runId, after);
    const run = await this.runs.get(runId);
    for (const event of events) {
      if (stopped()) return;
      follower.event(event);
    }
    if (!stopped()) follower.end(run?.status ?? 'unknown');
  }

  /** Every recorded event after `after` as one JSON array, ready to send (compact: see RunRepo.eventsJsonBytes). */
  async snapshot(runId: string, after: number, compact: boolean): Promise<Buffer> {
    await this.writer.flush();
    return this.runs.eventsJsonBytes(runId, after, compact);
  }

  /** One recorded event in full. */
  async event(runId: string, seq: number): Promise<RunEvent | null> {
    await this.writer.flush();
    return this.runs.event(runId, seq);
  }

  /** Every recorded event after `after`. */
  async list(runId: string, after = 0): Promise<RunEvent[]> {
    await this.writer.flush();
    return this.runs.events(runId, after);
  }
}
