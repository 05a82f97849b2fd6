import { describe, expect, it } from 'vitest';
import { type SseMessage, SseParser } from './sse.ts';

declare const TextEncoder: new () => { encode(text: string): Uint8Array };

const encoder = new TextEncoder();

function parseChunks(chunks: (Uint8Array | string)[]): { messages: SseMessage[]; comments: number } {
  const parser = new SseParser();
  const messages: SseMessage[] = [];
  let comments = 0;
  for (const chunk of chunks) {
    const batch = parser.push(chunk);
    messages.push(...batch.messages);
    comments += batch.comments;
  }
  const tail = parser.finish();
  messages.push(...tail.messages);
  comments += tail.comments;
  return { messages, comments };
}

/** Every way of cutting `bytes` in two, and into single bytes. */
function everySplit(bytes: Uint8Array): Uint8Array[][] {
  const splits: Uint8Array[][] = [];
  for (let at = 0; at <= bytes.length; at++) splits.push([bytes.subarray(0, at), bytes.subarray(at)]);
  splits.push(Array.from(bytes, (_, i) => bytes.subarray(i, i + 1)));
  return splits;
}

const STREAM = [
  ': keep-alive ping',
  '',
  'data: {"choices":[{"delta":{"content":"héllo 🌍 — 漢字"}}]}',
  '',
  'event: update',
  'id: 7',
  'data: first line',
  'data:second line',
  'data:  two spaces kept',
  '',
  'retry: 1000',
  'unknown: field',
  'data',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const EXPECTED: SseMessage[] = [
  { event: undefined, data: '{"choices":[{"delta":{"content":"héllo 🌍 — 漢字"}}]}', id: undefined },
  { event: 'update', data: 'first line\nsecond line\n two spaces kept', id: '7' },
  { event: undefined, data: '', id: '7' },
  { event: undefined, data: '[DONE]', id: '7' },
];

describe('SseParser', () => {
  it('parses events, multi-line data, ids and comments', () => {
    const result = parseChunks([STREAM]);
    expect(result.messages).toEqual(EXPECTED);
    expect(result.comments).toBe(1);
  });

  for (const [name, newline] of [
    ['\\n', '\n'],
    ['\\r\\n', '\r\n'],
    ['\\r', '\r'],
  ] as const) {
    it(`gives the same events for a body split at every byte position (${name} line ends)`, () => {
      const bytes = encoder.encode(STREAM.replaceAll('\n', newline));
      for (const chunks of everySplit(bytes)) {
        const result = parseChunks(chunks);
        expect(result.messages).toEqual(EXPECTED);
        expect(result.comments).toBe(1);
      }
    });
  }

  it('handles a mix of line endings split between \\r and \\n', () => {
    const body = 'data: a\r\n\r\ndata: b\r\rdata: c\n\r\ndata: d\n\n';
    for (const chunks of everySplit(encoder.encode(body))) {
      expect(parseChunks(chunks).messages.map((m) => m.data)).toEqual(['a', 'b', 'c', 'd']);
    }
  });

  it('decodes a multi-byte character split across three chunks', () => {
    const bytes = encoder.encode('data: 🌍\n\n');
    const parser = new SseParser();
    expect(parser.push(bytes.subarray(0, 7)).messages).toEqual([]);
    expect(parser.push(bytes.subarray(7, 8)).messages).toEqual([]);
    expect(parser.push(bytes.subarray(8)).messages).toEqual([
      { event: undefined, data: '🌍', id: undefined },
    ]);
  });

  it('strips a byte-order mark at the start of the stream', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...encoder.encode('data: x\n\n')]);
    expect(parseChunks([bytes.subarray(0, 2), bytes.subarray(2)]).messages[0]?.data).toBe('x');
  });

  it('dispatches a last event that lacks its blank line when the stream ends', () => {
    expect(parseChunks(['data: {"a":1}\n\ndata: [DONE]']).messages.map((m) => m.data)).toEqual([
      '{"a":1}',
      '[DONE]',
    ]);
  });

  it('does not dispatch an event made only of comments and other fields', () => {
    const result = parseChunks([': ping\n\nevent: x\nid: 1\n\n: ping\n\n']);
    expect(result.messages).toEqual([]);
    expect(result.comments).toBe(2);
  });

  it('keeps many events in one chunk in order', () => {
    const body = Array.from({ length: 1000 }, (_, i) => `data: ${i}\n\n`).join('');
    expect(parseChunks([body]).messages.map((m) => Number(m.data))).toEqual(
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });
});
