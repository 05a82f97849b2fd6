import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { InferenceEvent } from '@trellis/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { faultCases } from '../testing/faults.ts';
import { collectGarbage } from '../testing/gc.ts';
import { freePort } from '../testing/net.ts';
import { eventually } from '../testing/wait.ts';
import { DIALECTS, type ScriptEntry, startTestServer, type TestServer } from '../testserver/server.ts';
import { type ChatStreamRequest, collectChat, streamChat } from './client.ts';

const KEY = 'sk-trellis-secret-7890';
const MODEL = 'qwen3-8b';
const TIMEOUTS = { connectMs: 5_000, firstTokenMs: 5_000, idleMs: 5_000 };

async function collect(stream: AsyncIterable<InferenceEvent>): Promise<InferenceEvent[]> {
  const events: InferenceEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** A stream ends with exactly one `done` or one `error`, and nothing after it. */
function terminal(events: InferenceEvent[]): InferenceEvent {
  const ends = events.filter((e) => e.type === 'done' || e.type === 'error');
  expect(ends).toHaveLength(1);
  expect(events.at(-1)).toBe(ends[0]);
  return ends[0]!;
}

function errorOf(events: InferenceEvent[]) {
  const end = terminal(events);
  if (end.type !== 'error') throw new Error(`expected an error, got ${JSON.stringify(end)}`);
  return end.error;
}

const FAULTS = faultCases(400).map((c) => ({ ...c, timeouts: { ...TIMEOUTS, ...c.deadline } }));

const STATUSES = [
  { status: 400, code: 'bad_request' },
  { status: 401, code: 'unauthorized' },
  { status: 403, code: 'unauthorized' },
  { status: 404, code: 'model_not_found' },
  { status: 422, code: 'bad_request' },
  { status: 429, code: 'rate_limited' },
  { status: 500, code: 'server_error' },
  { status: 503, code: 'server_error' },
] as const;

describe.each(DIALECTS)('streamChat against the %s dialect', (dialect) => {
  let server: TestServer;
  const request = (content: string, extra: Partial<ChatStreamRequest> = {}): ChatStreamRequest => ({
    baseUrl: server.url,
    apiKey: KEY,
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content },
    ],
    timeouts: TIMEOUTS,
    ...extra,
  });
  const script = (entry: ScriptEntry) => server.script(entry);

  beforeAll(async () => {
    server = await startTestServer({ dialect, models: [MODEL], apiKey: KEY });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());

  it('streams reasoning, then the answer, then usage, and ends with one done', async () => {
    script({ reply: { reasoning: 'Two plus two is four.', content: 'The answer is 4.' } });
    const events = await collect(streamChat(request('What is 2+2?')));
    expect(events[0]).toMatchObject({ type: 'start', model: MODEL });
    const text = (type: 'delta' | 'reasoning') =>
      events
        .filter((e) => e.type === type)
        .map((e) => (e.type === 'delta' || e.type === 'reasoning' ? e.text : ''))
        .join('');
    expect(text('reasoning')).toBe('Two plus two is four.');
    expect(text('delta')).toBe('The answer is 4.');
    const lastReasoning = events.findLastIndex((e) => e.type === 'reasoning');
    const firstDelta = events.findIndex((e) => e.type === 'delta');
    expect(lastReasoning).toBeLessThan(firstDelta);
    const usage = events.find((e) => e.type === 'usage');
    expect(usage?.type === 'usage' && usage.usage.completionTokens).toBeGreaterThan(0);
    expect(usage?.type === 'usage' && usage.usage.promptTokens).toBeGreaterThan(0);
    const timings = events.find((e) => e.type === 'timings');
    expect(timings !== undefined).toBe(dialect === 'llamacpp');
    const done = terminal(events);
    expect(done).toMatchObject({ type: 'done', finishReason: 'stop' });
    if (done.type === 'done') {
      expect(done.ttftMs).toBeGreaterThanOrEqual(0);
      expect(done.latencyMs).toBeGreaterThanOrEqual(done.ttftMs ?? 0);
      expect(done.completionTokens).toBe(usage?.type === 'usage' ? usage.usage.completionTokens : -1);
    }
  });

  it('sends streaming options, sampling params and extras, and the key only in its header', async () => {
    await collect(
      streamChat(
        request('params please', {
          params: {
            temperature: 0.6,
            top_p: 0.95,
            top_k: 20,
            min_p: 0,
            repetition_penalty: 1.05,
            seed: 7,
            max_tokens: 64,
            stop: ['###'],
            chat_template_kwargs: { enable_thinking: false },
            extra: { min_tokens: 2, structured_outputs: { choice: ['a', 'b'] } },
          },
        }),
      ),
    );
    const sent = server.requests().find((r) => r.path === '/v1/chat/completions');
    expect(sent?.body).toMatchObject({
      model: MODEL,
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0.6,
      top_p: 0.95,
      top_k: 20,
      min_p: 0,
      repetition_penalty: 1.05,
      seed: 7,
      max_tokens: 64,
      stop: ['###'],
      chat_template_kwargs: { enable_thinking: false },
      min_tokens: 2,
      structured_outputs: { choice: ['a', 'b'] },
    });
    expect(JSON.stringify(sent)).not.toContain(KEY);
  });

  it('sends the labels it is given as headers, never in place of its own', async () => {
    await collect(
      streamChat(
        request('labelled', {
          headers: { 'x-trellis-run': 'run_1', 'x-trellis-role': 'agent', 'content-type': 'text/plain' },
        }),
      ),
    );
    const sent = server.requests().find((r) => r.path === '/v1/chat/completions');
    expect(sent?.headers).toMatchObject({
      'x-trellis-run': 'run_1',
      'x-trellis-role': 'agent',
      'content-type': 'application/json',
    });
  });

  it('answers without reasoning when thinking is turned off', async () => {
    const result = await collectChat(
      streamChat(request('quiet', { params: { chat_template_kwargs: { enable_thinking: false } } })),
    );
    expect(result).toMatchObject({
      text: 'You said: quiet',
      reasoning: '',
      error: null,
      finishReason: 'stop',
    });
  });

  it('reports the finish reason the server gave', async () => {
    const finishReason = dialect === 'sglang' ? 'abort' : 'length';
    script({ reply: { content: 'cut short', finishReason, stopReason: 'END' } });
    const done = terminal(await collect(streamChat(request('go'))));
    expect(done).toMatchObject({ type: 'done', finishReason });
    if (done.type === 'done') expect(done.stopReason).toBe(dialect === 'vllm' ? 'END' : null);
  });

  it.each(FAULTS)(
    'ends with one $code error when the server faults with $fault',
    async ({ fault, code, says, timeouts, beforeStart }) => {
      script({
        reply: { reasoning: 'thinking hard about it', content: 'an answer that will not finish', fault },
      });
      const events = await collect(streamChat(request('fault', { timeouts })));
      const error = errorOf(events);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(says);
      expect(error.message).toContain(`127.0.0.1:${server.port}`);
      expect(JSON.stringify(events)).not.toContain(KEY);
      if (!beforeStart) expect(events[0]?.type).toBe('start');
    },
  );

  it.each(STATUSES)('maps HTTP $status in this dialect to $code', async ({ status, code }) => {
    script({ reply: { error: { status, message: 'scripted trouble' } } });
    const error = errorOf(await collect(streamChat(request('status'))));
    expect(error).toMatchObject({ code, status });
    expect(error.message).toContain('scripted trouble');
    expect(error.vendorType).toBeTruthy();
  });

  it('reports a model the server does not have as model_not_found', async () => {
    const error = errorOf(await collect(streamChat(request('hi', { model: 'llama-70b' }))));
    expect(error.code).toBe('model_not_found');
    expect(error.status).toBe(404);
    expect(error.message).toContain('llama-70b');
  });

  it('reports a wrong key as unauthorized without repeating it', async () => {
    const wrong = 'sk-wrong-key-5555';
    const events = await collect(streamChat(request('hi', { apiKey: wrong })));
    const error = errorOf(events);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/API key/);
    expect(JSON.stringify(events)).not.toContain(wrong);
  });

  it('reports a missing key as unauthorized and says one is needed', async () => {
    const error = errorOf(await collect(streamChat(request('hi', { apiKey: undefined }))));
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/requires an API key/);
  });

  it('reuses the connection for the next request after a complete answer', async () => {
    // A server of its own, so the client's pool holds no idle connection from earlier tests to pick instead.
    const own = await startTestServer({ dialect, models: [MODEL], apiKey: KEY });
    try {
      await collectChat(streamChat(request('one', { baseUrl: own.url })));
      // fetch hands the socket back to its pool a tick after the body ends.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await collectChat(streamChat(request('two', { baseUrl: own.url })));
      const [first, second] = own.requests().filter((r) => r.path === '/v1/chat/completions');
      expect(first?.outcome).toBe('completed');
      expect(second?.connection).toBe(first?.connection);
    } finally {
      await own.close();
    }
  });

  it('aborts the upstream request when the consumer stops reading', async () => {
    script({ reply: { content: 'word '.repeat(200), paceMs: 20 } });
    const stream = streamChat(request('long'));
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'delta' && ++deltas === 3) break;
    }
    await eventually(() => {
      const chat = server.requests().find((r) => r.path === '/v1/chat/completions');
      expect(chat?.outcome).toBe('client_closed');
    });
  });
});

describe('streamChat failures outside the server', () => {
  const base = {
    apiKey: KEY,
    model: MODEL,
    messages: [{ role: 'user' as const, content: 'hi' }],
    timeouts: TIMEOUTS,
  };

  it('says the connection was refused and asks whether the server runs', async () => {
    const port = await freePort();
    const error = errorOf(await collect(streamChat({ ...base, baseUrl: `http://127.0.0.1:${port}/v1` })));
    expect(error.code).toBe('connection_refused');
    expect(error.message).toBe(
      `cannot connect to http://127.0.0.1:${port}/v1: connection refused — is the server running?`,
    );
  });

  it('says the host name does not resolve', async () => {
    const error = errorOf(
      await collect(streamChat({ ...base, baseUrl: 'http://trellis-gpu.invalid:8000/v1' })),
    );
    expect(error.code).toBe('dns_failure');
    expect(error.message).toContain("cannot resolve host 'trellis-gpu.invalid'");
  });

  it('rejects a URL that is not one, and keeps credentials in a URL out of the message', async () => {
    expect(errorOf(await collect(streamChat({ ...base, baseUrl: 'gpu-host:8000' }))).code).toBe(
      'invalid_url',
    );
    const withPassword = errorOf(
      await collect(streamChat({ ...base, baseUrl: 'http://me:hunter2-password@127.0.0.1:9/v1' })),
    );
    expect(withPassword.code).toBe('invalid_url');
    expect(withPassword.message).not.toContain('hunter2');
  });
});

describe('streamChat timeouts and cancellation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ dialect: 'llamacpp', models: [MODEL], pingMs: 50 });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(() => server.reset());
  const request = (content: string, extra: Partial<ChatStreamRequest> = {}): ChatStreamRequest => ({
    baseUrl: server.url,
    model: MODEL,
    messages: [{ role: 'user', content }],
    timeouts: TIMEOUTS,
    ...extra,
  });

  it('applies the first-token timeout only until the first token', async () => {
    server.script({ reply: { content: 'slow but steady '.repeat(10), paceMs: 50 } });
    const result = await collectChat(
      streamChat(request('slow', { timeouts: { connectMs: 5_000, firstTokenMs: 1_000, idleMs: 1_000 } })),
    );
    expect(result.error).toBeNull();
    expect(result.text).toBe('slow but steady '.repeat(10));
  });

  it('does not count comment pings as progress when the stream stalls', async () => {
    server.script({ reply: { content: 'a b c d e', fault: 'stall_between' } });
    const result = await collectChat(
      streamChat(request('stall', { timeouts: { connectMs: 5_000, firstTokenMs: 5_000, idleMs: 300 } })),
    );
    expect(result.error?.code).toBe('idle_timeout');
    expect(result.text).toBe('a b');
  });

  it('ends with an aborted error when the caller aborts its signal, and closes the upstream', async () => {
    server.script({ reply: { content: 'word '.repeat(100), paceMs: 20 } });
    const controller = new AbortController();
    const events: InferenceEvent[] = [];
    for await (const event of streamChat(request('abort me', { signal: controller.signal }))) {
      events.push(event);
      if (event.type === 'delta') controller.abort();
    }
    expect(errorOf(events).code).toBe('aborted');
    await eventually(() => expect(server.requests()[0]?.outcome).toBe('client_closed'));
  });

  it('aborts at once when return() is called while the server is silent', async () => {
    server.script({ reply: { content: 'never', fault: 'stall_before_first' } });
    const stream = streamChat(request('silent', { timeouts: { ...TIMEOUTS, firstTokenMs: 60_000 } }));
    expect((await stream.next()).value).toMatchObject({ type: 'start' });
    const pending = stream.next();
    await eventually(() => expect(server.requests()[0]?.outcome).toBe('pending'));
    await stream.return(undefined);
    expect(await pending).toEqual({ done: true, value: undefined });
    await eventually(() => expect(server.requests()[0]?.outcome).toBe('client_closed'));
  });

  // Node's fetch follows the caller's signal through a weak reference; a collection while a stream is stalled
  // once left the abort unheard, so the stall outlived its deadline until the server hung up.
  it.each(FAULTS.filter((c) => c.fault.startsWith('stall')))(
    'ends a $fault stall at its deadline and closes the connection, with garbage collected meanwhile',
    async ({ fault, code, timeouts }) => {
      server.script({ reply: { content: 'a b c d e', fault } });
      const collector = setInterval(collectGarbage, 50);
      try {
        const startedAt = performance.now();
        const result = await collectChat(streamChat(request('stall', { timeouts })));
        expect(result.error?.code).toBe(code);
        expect(performance.now() - startedAt).toBeLessThan(4_000);
        await eventually(() => expect(server.requests()[0]?.outcome).toBe('client_closed'));
      } finally {
        clearInterval(collector);
      }
    },
  );

  it('ends with aborted before sending when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const events = await collect(streamChat(request('never sent', { signal: controller.signal })));
    expect(errorOf(events).code).toBe('aborted');
    expect(server.requests()).toHaveLength(0);
  });
});

describe('streamChat against unusual servers', () => {
  let server: http.Server;
  let baseUrl = '';
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => {};
  beforeAll(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const stream = () =>
    streamChat({ baseUrl, model: MODEL, messages: [{ role: 'user', content: 'hi' }], timeouts: TIMEOUTS });
  const run = () => collect(stream());

  it('reads a whole JSON completion when the server ignores stream: true', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: '<think>hm</think>Paris.' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 },
        }),
      );
    };
    const result = await collectChat(stream());
    expect(result).toMatchObject({ text: 'Paris.', reasoning: 'hm', finishReason: 'stop', error: null });
    expect(result.usage?.completionTokens).toBe(4);
  });

  it('reports a stream that ends without finishing as a lost connection', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end('data: {"choices":[{"delta":{"content":"half"},"finish_reason":null}]}\n\n');
    };
    const events = await run();
    expect(errorOf(events).code).toBe('connection_lost');
    expect(events.some((e) => e.type === 'delta' && e.text === 'half')).toBe(true);
  });

  it('says so when a 200 answer is a web page rather than an event stream', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>Sign in</body></html>');
    };
    const error = errorOf(await run());
    expect(error.code).toBe('malformed_stream');
    expect(error.message).toContain('text/html instead of an event stream');
  });

  it('does not follow a redirect, and says to use the address it points to', async () => {
    handler = (_req, res) => {
      res.writeHead(307, { location: 'https://elsewhere.invalid/v1/chat/completions' });
      res.end();
    };
    const error = errorOf(await run());
    expect(error.code).toBe('invalid_url');
    expect(error.message).toMatch(/redirect/);
  });

  it('explains a plain-text error body', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('upstream connect error or disconnect/reset before headers');
    };
    const error = errorOf(await run());
    expect(error).toMatchObject({ code: 'server_error', status: 502 });
    expect(error.message).toContain('upstream connect error');
  });

  it('reads usage sent on the last choice chunk and a FastAPI validation error', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(
        'data: {"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"prompt_tokens_details":{"cached_tokens":2}}}\n\ndata: [DONE]\n\n',
      );
    };
    const events = await run();
    expect(events.find((e) => e.type === 'usage')).toEqual({
      type: 'usage',
      usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4, cachedTokens: 2 },
    });
    handler = (_req, res) => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: [{ loc: ['body', 'messages'], msg: 'field required' }] }));
    };
    const error = errorOf(await run());
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('field required');
  });

  it('maps a 400 whose message says the model does not exist to model_not_found', async () => {
    handler = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'error', message: 'The model `gpt-9` does not exist.', code: 400 }));
    };
    expect(errorOf(await run()).code).toBe('model_not_found');
  });
});
