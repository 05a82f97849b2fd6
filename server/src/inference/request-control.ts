import type { EndpointTimeouts } from '@trellis/shared';

export type Deadline = 'connect' | 'first' | 'idle';

const ignore = () => {};

/**
 * The deadlines of one streamed request and the one way it is stopped. A deadline, the caller's signal and the
 * consumer leaving all end in `abort()`, which cancels the response body itself and ends a pending `fetch()` at
 * once, instead of trusting fetch to follow its signal: Node's fetch ties its request to the caller's signal
 * through a weak reference, and after a garbage collection (with `redirect: 'error'`, seen on a busy server) an
 * abort no longer reached the connection, so a stalled stream outlived its idle timeout until the server hung up.
 */
export class RequestControl {
  /** The deadline that ended the request, if one did. */
  expired: Deadline | null = null;
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private readonly stopped: Promise<never>;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private connectTimer: NodeJS.Timeout | null = null;
  private firstTokenTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(private readonly timeouts: EndpointTimeouts) {
    this.signal = this.controller.signal;
    this.stopped = new Promise<never>((_, reject) => {
      this.signal.addEventListener(
        'abort',
        () => {
          reject(this.signal.reason);
          this.reader?.cancel().catch(ignore);
        },
        { once: true },
      );
    });
    this.stopped.catch(ignore);
  }

  /** Starts the connect and first-token deadlines. */
  start(): void {
    this.connectTimer = setTimeout(this.expire, this.timeouts.connectMs, 'connect');
    this.firstTokenTimer = setTimeout(this.expire, this.timeouts.firstTokenMs, 'first');
  }

  get aborted(): boolean {
    return this.signal.aborted;
  }

  abort(): void {
    this.controller.abort();
  }

  private readonly expire = (which: Deadline): void => {
    this.expired ??= which;
    this.controller.abort();
  };

  /** Sends the request. Stopping rejects at once; a response that still arrives afterwards is closed unread. */
  async fetch(url: string, init: Omit<RequestInit, 'signal'>): Promise<Response> {
    const pending = fetch(url, { ...init, signal: this.signal });
    try {
      return await Promise.race([pending, this.stopped]);
    } catch (error) {
      if (this.aborted) pending.then((response) => response.body?.cancel().catch(ignore), ignore);
      throw error;
    }
  }

  /** Headers arrived: the connect deadline is met, and reading an error body must not stall either. */
  headersArrived(): void {
    this.clear('connect');
    this.idleTimer = setTimeout(this.expire, this.timeouts.idleMs, 'idle');
  }

  /** The answer streams: until its first token only the first-token deadline applies (prefill is silent). */
  streaming(): void {
    this.clear('idle');
  }

  /** A token (or the finish) arrived: from now on only the idle deadline applies. */
  firstToken(): void {
    this.clear('first');
    this.idleTimer ??= setTimeout(this.expire, this.timeouts.idleMs, 'idle');
  }

  /** Data arrived (comment pings do not count): the idle deadline starts again. */
  progress(): void {
    this.idleTimer?.refresh();
  }

  /** One read of the body; when the request was stopped meanwhile it throws the abort reason, never ends quietly. */
  async read(reader: ReadableStreamDefaultReader<Uint8Array>) {
    if (this.reader !== reader) {
      this.reader = reader;
      if (this.aborted) reader.cancel().catch(ignore);
    }
    const chunk = await reader.read();
    if (chunk.done && this.aborted) throw this.signal.reason;
    return chunk;
  }

  /** Clears one deadline, or all of them. */
  clear(which?: Deadline): void {
    if (which === undefined || which === 'connect') {
      if (this.connectTimer) clearTimeout(this.connectTimer);
      this.connectTimer = null;
    }
    if (which === undefined || which === 'first') {
      if (this.firstTokenTimer) clearTimeout(this.firstTokenTimer);
      this.firstTokenTimer = null;
    }
    if (which === undefined || which === 'idle') {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
  }
}
