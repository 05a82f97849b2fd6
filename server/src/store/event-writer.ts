import type { RunEvent } from '@trellis/shared';
import type { RunRepo } from './runs.ts';

/**
 * Buffers events and writes them in batched transactions: one per `intervalMs` or per `maxBatch` events,
 * whichever comes first. Live readers are served from memory, so batching adds no latency to the browser.
 */
export class EventWriter {
  private buffer: RunEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly runs: RunRepo,
    private readonly intervalMs = 50,
    private readonly maxBatch = 2000,
  ) {}

  write(event: RunEvent): void {
    this.buffer.push(event);
    if (this.buffer.length >= this.maxBatch) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.runs.appendEvents(batch);
  }
}
