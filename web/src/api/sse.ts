import { type SseMessage, SseParser } from '@trellis/shared';

export type { SseMessage };

/**
 * Reads a `text/event-stream` response body and yields each message (comment lines, the heartbeats, are
 * skipped). Used for POST streams, which EventSource cannot open.
 */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const parser = new SseParser();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      const batch = done ? parser.finish() : parser.push(value);
      yield* batch.messages;
      if (done) break;
    }
  } finally {
    reader.releaseLock();
  }
}
