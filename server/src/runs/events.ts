import type { RunEvent } from '@trellis/shared';
import type { EventWriter } from '../store/event-writer.ts';
import type { RunRepo } from '../store/runs.ts';
import type { RunHub } from './hub.ts';

export interface EventFollower {
  /** Each event after the starting sequence number, in order, exactly once. */
  event(event: RunEvent): void;
  /** The run has finished (or was found finished) and every event was delivered; `status` is its end state. */
  end(status: string): void;
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
  ) {}

  /**
   * Delivers events after `after`, then follows the run until it finishes. Returns a function that stops
   * following. Live runs replay from memory and subscribe in the same tick, so nothing is missed or repeated.
   */
  follow(runId: string, after: number, follower: EventFollower): () => void {
    const unsubscribe = this.hub.follow(runId, after, (event) => {
      follower.event(event);
      if (event.type === 'run.finished') follower.end(event.status);
    });
    if (unsubscribe !== null) return unsubscribe;
    this.writer.flush();
    for (const event of this.runs.events(runId, after)) follower.event(event);
    follower.end(this.runs.get(runId)?.status ?? 'unknown');
    return () => undefined;
  }

  /** Every recorded event after `after` as one JSON array, ready to send (compact: see RunRepo.eventsJsonBytes). */
  snapshot(runId: string, after: number, compact: boolean): Buffer {
    this.writer.flush();
    return this.runs.eventsJsonBytes(runId, after, compact);
  }

  /** One recorded event in full. */
  event(runId: string, seq: number): RunEvent | null {
    this.writer.flush();
    return this.runs.event(runId, seq);
  }

  /** Every recorded event after `after`. */
  list(runId: string, after = 0): RunEvent[] {
    this.writer.flush();
    return this.runs.events(runId, after);
  }
}
