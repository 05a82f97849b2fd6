import type { RunEvent } from '@trellis/shared';
import type { RunRepo } from './runs.ts';

/** Told about a batch the store refused; its events are not stored (live readers still saw them). */
export type BatchFailure = (error: unknown, batch: RunEvent[]) => void;

function warnOfFailure(error: unknown, batch: RunEvent[]): void {
  const runs = [...new Set(batch.map((event) => event.runId))].join(', ');
  console.warn(
    `trellis: ${batch.length} events of ${runs} were not stored: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * Buffers events and writes them in batched transactions: one per `intervalMs` or per `maxBatch` events,
 * whichever comes first. Live readers are served from memory, so batching adds no latency to the browser.
 * Batches are written one after another in the order they were cut, never two at once.
 */
export class EventWriter {
  private buffer: RunEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The newest batch's write while it is in flight; every earlier batch has settled before it started. */
  private writing: Promise<void> | null = null;

  constructor(
    private readonly runs: RunRepo,
    private readonly intervalMs = 50,
    private readonly maxBatch = 2000,
    /** Called once for each batch that could not be written; by default a warning on stderr. */
    private readonly failed: BatchFailure = warnOfFailure,
  ) {}

  write(event: RunEvent): void {
    this.buffer.push(event);
    // A failed write reaches `failed`; the promise is not needed here.
    if (this.buffer.length >= this.maxBatch) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.intervalMs);
  }

  /**
   * Writes what is buffered, after the batches before it. Resolves once everything written so far is stored;
   * rejects when the batch it waits for could not be written (that failure also goes to `failed`, so a caller
   * may ignore the promise).
   */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return this.writing ?? Promise.resolve();
    const batch = this.buffer;
    this.buffer = [];
    // With nothing in flight the write starts at once: on SQLite its transaction is then open before this
    // returns, so a read made next waits for the batch instead of missing it.
    const write = this.writing
      ? this.writing.catch(() => undefined).then(() => this.runs.appendEvents(batch))
      : this.start(batch);
    this.writing = write;
    write.then(
      () => this.settled(write),
      (error: unknown) => {
        this.settled(write);
        this.failed(error, batch);
      },
    );
    return write;
  }

  private start(batch: RunEvent[]): Promise<void> {
    try {
      return this.runs.appendEvents(batch);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private settled(write: Promise<void>): void {
    if (this.writing === write) this.writing = null;
  }
}
