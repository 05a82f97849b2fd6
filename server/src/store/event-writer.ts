import type { RunEvent } from '@trellis/shared';
import type { RunRepo } from './runs.ts';
import { StoreUnavailableError } from './sql.ts';

/**
 * Told about a batch the store refused. A batch refused because the database is unavailable is kept and written
 * again once it answers; any other refusal drops it (live readers still saw its events).
 */
export type BatchFailure = (error: unknown, batch: RunEvent[]) => void;

/** The default: a warning naming the runs whose events were not stored, and why. */
export function warnOfFailure(error: unknown, batch: RunEvent[]): void {
  const runs = [...new Set(batch.map((event) => event.runId))].join(', ');
  console.warn(
    `trellis: ${batch.length} events of ${runs} were not stored${error instanceof StoreUnavailableError ? ' yet (kept until the database is back)' : ''}: ${error instanceof Error ? error.message : String(error)}`,
  );
}

/**
 * Buffers events and writes them in batched transactions: one per `intervalMs` or per `maxBatch` events,
 * whichever comes first. Live readers in the same process are served from memory, so there batching adds no
 * latency to the browser. With `intervalMs` 0 (a team's workers, whose readers are in the web server and wait
 * for the store) a batch is written as soon as the one before it is, holding whatever came meanwhile: group
 * commit, the least latency the database allows. Batches are written one after another in the order they were
 * cut, never two at once.
 */
export class EventWriter {
  private buffer: RunEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** The newest batch's write while it is in flight; every earlier batch has settled before it started. */
  private writing: Promise<void> | null = null;
  /** Consecutive writes refused for an unavailable database: the retry waits longer each time. */
  private outages = 0;

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
    // Group commit: written as soon as no batch is in flight; what comes meanwhile goes in the next one.
    else if (this.intervalMs === 0 && this.writing) return;
    else this.timer ??= setTimeout(() => void this.flush().catch(() => undefined), this.intervalMs);
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
      () => {
        this.outages = 0;
        this.settled(write);
        if (this.intervalMs === 0 && this.buffer.length > 0 && this.timer === null) {
          void this.flush().catch(() => undefined);
        }
      },
      (error: unknown) => {
        this.settled(write);
        if (error instanceof StoreUnavailableError) this.keep(batch);
        this.failed(error, batch);
      },
    );
    return write;
  }

  /** Puts a batch the database could not take back in front of what came after it, and tries again later. */
  private keep(batch: RunEvent[]): void {
    this.buffer = batch.concat(this.buffer);
    this.outages += 1;
    const delay = Math.min(5_000, 100 * 2 ** Math.min(this.outages, 6));
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), delay);
    this.timer.unref();
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
