/**
 * The WHATWG decoder that every runtime Trellis runs on provides (Node, browsers). Declared here, for this module
 * only, because shared/ is compiled without DOM or Node types.
 */
interface Utf8Decoder {
  decode(input?: Uint8Array, options?: { stream?: boolean }): string;
}
declare const TextDecoder: new (label?: string) => Utf8Decoder;

/** One dispatched server-sent event. */
export interface SseMessage {
  /** The `event:` field; `undefined` means the default type, `message`. */
  event: string | undefined;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The last `id:` seen on the stream so far, as the spec defines it. */
  id: string | undefined;
}

/** What one `push` produced: events in order, and whether a comment line (a ping) arrived. */
export interface SseBatch {
  messages: SseMessage[];
  comments: number;
}

/**
 * An incremental parser for `text/event-stream`. Feed it bytes as they arrive, split anywhere (inside a line,
 * between `\r` and `\n`, inside a UTF-8 sequence); it returns the events completed by each chunk.
 *
 * Lines end in `\n`, `\r\n` or a lone `\r`. `finish()` dispatches an event left open when the stream ended
 * without its blank line, which the spec would drop: a few servers omit the final newline after `[DONE]`.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buffer = '';
  /** The previous chunk ended in `\r`, so a `\n` opening the next one belongs to that line ending. */
  private skipLeadingLf = false;
  private data = '';
  private hasData = false;
  private event: string | undefined;
  private lastId: string | undefined;

  /** Parses one chunk of the body. */
  push(chunk: Uint8Array | string): SseBatch {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.skipLeadingLf && text.length > 0) {
      if (text.charCodeAt(0) === 10) text = text.slice(1);
      this.skipLeadingLf = false;
    }
    const batch: SseBatch = { messages: [], comments: 0 };
    const input = this.buffer.length > 0 ? this.buffer + text : text;
    this.buffer = '';
    const length = input.length;
    let start = 0;
    // Most servers never send `\r`, so its position is searched once and only again after passing it.
    let nextCr = input.indexOf('\r');
    while (start < length) {
      let end = input.indexOf('\n', start);
      if (nextCr !== -1 && nextCr < start) nextCr = input.indexOf('\r', start);
      let terminatorLength = 1;
      if (nextCr !== -1 && (end === -1 || nextCr < end)) {
        end = nextCr;
        if (end + 1 < length) {
          if (input.charCodeAt(end + 1) === 10) terminatorLength = 2;
        } else {
          this.skipLeadingLf = true;
        }
      }
      if (end === -1) {
        this.buffer = input.slice(start);
        break;
      }
      this.line(input, start, end, batch);
      start = end + terminatorLength;
    }
    return batch;
  }

  /** Flushes what the stream left unterminated when it ended. */
  finish(): SseBatch {
    const batch: SseBatch = { messages: [], comments: 0 };
    const tail = this.buffer + this.decoder.decode();
    this.buffer = '';
    if (tail.length > 0) this.line(tail, 0, tail.length, batch);
    this.dispatch(batch);
    return batch;
  }

  private line(input: string, start: number, end: number, batch: SseBatch): void {
    if (start === end) {
      this.dispatch(batch);
      return;
    }
    const first = input.charCodeAt(start);
    if (first === 58 /* ':' */) {
      batch.comments++;
      return;
    }
    const colon = input.indexOf(':', start);
    let field: string;
    let value: string;
    if (colon === -1 || colon >= end) {
      field = input.slice(start, end);
      value = '';
    } else {
      field = input.slice(start, colon);
      const valueStart = input.charCodeAt(colon + 1) === 32 && colon + 1 < end ? colon + 2 : colon + 1;
      value = input.slice(valueStart, end);
    }
    switch (field) {
      case 'data':
        if (this.hasData) this.data += `\n${value}`;
        else {
          this.data = value;
          this.hasData = true;
        }
        break;
      case 'event':
        this.event = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      default:
        // `retry` and unknown fields carry nothing a chat stream needs.
        break;
    }
  }

  private dispatch(batch: SseBatch): void {
    if (this.hasData) batch.messages.push({ event: this.event, data: this.data, id: this.lastId });
    this.data = '';
    this.hasData = false;
    this.event = undefined;
  }
}
