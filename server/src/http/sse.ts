import type { ServerResponse } from 'node:http';

export interface SseStreamOptions {
  /** A comment is sent when nothing else was written for this long, so proxies keep the connection open. */
  heartbeatMs?: number;
  /** A reader this far behind (bytes queued while the socket is full) is dropped rather than buffered forever. */
  maxQueuedBytes?: number;
}

/** One server-sent event: `id:` (when given), `event:`, then the JSON payload as `data:`. */
export function sseFrame(type: string, payload: unknown, id?: number | string): string {
  const head = id === undefined ? '' : `id: ${id}\n`;
  return `${head}event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;
}

/**
 * The one way the server writes `text/event-stream` (run events, the Playground, long jobs' progress).
 *
 * - Batching: what is written in one turn of the event loop goes out as one socket write; the flush runs on
 *   `process.nextTick`, after the promise chain that produced the text but before the next socket is served, so
 *   batching adds no wait.
 * - Heartbeats: a comment when nothing else was written since the last beat.
 * - Backpressure: while the socket is full, text queues and `blocked` is true; a producer that can wait (a
 *   relayed upstream) awaits `drained()`, one that cannot (events pushed by a live run) keeps writing and the
 *   reader is dropped if it falls `maxQueuedBytes` behind.
 * - Closing: `end()` sends what is queued first; `closed` and `onClose` report the reader leaving.
 */
export class SseStream {
  private pending = '';
  private scheduled = false;
  private wroteSinceBeat = false;
  private ending = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closeListeners: (() => void)[] = [];
  private readonly drainWaiters: (() => void)[] = [];
  private readonly maxQueuedBytes: number;
  blocked = false;
  closed = false;

  constructor(
    private readonly res: ServerResponse,
    options: SseStreamOptions = {},
  ) {
    this.maxQueuedBytes = options.maxQueuedBytes ?? 64 * 1024 * 1024;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.on('drain', () => {
      this.blocked = false;
      this.flush();
      if (!this.blocked) {
        for (const wake of this.drainWaiters.splice(0)) wake();
        if (this.ending) this.end();
      }
    });
    res.on('close', () => this.markClosed());
    this.heartbeat = setInterval(() => {
      if (!this.wroteSinceBeat) this.write(': ping\n\n');
      this.wroteSinceBeat = false;
    }, options.heartbeatMs ?? 15_000);
  }

  /** Queues raw SSE text (whole frames or comments). */
  write(text: string): void {
    if (this.closed || this.ending) return;
    this.pending += text;
    this.wroteSinceBeat = true;
    if (this.blocked) {
      if (this.pending.length > this.maxQueuedBytes) this.close();
      return;
    }
    if (this.pending.length > 65_536) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  /** Queues one event. */
  event(type: string, payload: unknown, id?: number | string): void {
    this.write(sseFrame(type, payload, id));
  }

  private readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending === '' || this.blocked || this.closed) return;
    const text = this.pending;
    this.pending = '';
    if (!this.res.write(text)) this.blocked = true;
  };

  /** Resolves when the socket can take more (at once when it can now, or when the reader left). */
  drained(): Promise<void> {
    if (!this.blocked || this.closed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Ends the stream once what is queued has been written. */
  end(): void {
    if (this.closed) return;
    this.ending = true;
    if (this.blocked) return;
    const text = this.pending;
    this.pending = '';
    this.res.end(text);
    this.markClosed();
  }

  /** Drops the reader now, without sending what is queued. */
  close(): void {
    if (this.closed) return;
    this.res.destroy();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const wake of this.drainWaiters.splice(0)) wake();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
