import type { AddressInfo } from 'node:net';
import {
  DEFAULT_TIMEOUTS,
  type EndpointTimeouts,
  InferenceEvent,
  type PlaygroundRequest,
  type SamplingParams,
  SseParser,
} from '@trellis/shared';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { installErrorHandling } from '../http/errors.ts';
import { openStore, type Store } from '../store/db.ts';
import { EndpointRepo } from '../store/endpoints.ts';
import { freePort } from '../testing/net.ts';
import { eventually } from '../testing/wait.ts';
import { startTestServer, type TestServer } from '../testserver/server.ts';
import { playgroundRoutes } from './playground.ts';

const KEY = 'sk-playground-secret-1357';
const MODEL = 'qwen3-8b';

interface SseRead {
  events: { name: string | undefined; data: InferenceEvent }[];
  comments: number;
}

describe('POST /api/playground/stream', () => {
  let upstream: TestServer;
  let app: FastifyInstance;
  let db: Store;
  let endpoints: EndpointRepo;
  let url = '';
  const shutdown = new AbortController();

  const addEndpoint = (
    name: string,
    fields: {
      baseUrl?: string;
      apiKey?: string | null;
      defaultModel?: string | null;
      timeouts?: Partial<EndpointTimeouts>;
      defaultParams?: SamplingParams;
    } = {},
  ) =>
    endpoints.create({
      name,
      baseUrl: fields.baseUrl ?? upstream.url,
      kind: 'vllm',
      apiKey: fields.apiKey === undefined ? KEY : fields.apiKey,
      defaultModel: fields.defaultModel === undefined ? MODEL : fields.defaultModel,
      defaultParams: fields.defaultParams ?? {},
      timeouts: { ...DEFAULT_TIMEOUTS, ...fields.timeouts },
    });

  const post = (body: unknown, signal?: AbortSignal) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
    });

  /** Reads SSE until the stream ends or `stop` says enough. */
  async function readSse(response: Response, stop?: (read: SseRead) => boolean): Promise<SseRead> {
    const parser = new SseParser();
    const read: SseRead = { events: [], comments: 0 };
    const reader = response.body!.getReader();
    for (;;) {
      const chunk = await reader.read();
      const batch = chunk.done ? parser.finish() : parser.push(chunk.value);
      read.comments += batch.comments;
      for (const message of batch.messages) {
        read.events.push({ name: message.event, data: InferenceEvent.parse(JSON.parse(message.data)) });
      }
      if (chunk.done) return read;
      if (stop?.(read)) {
        await reader.cancel();
        return read;
      }
    }
  }

  const chatRecord = () => upstream.requests().find((r) => r.path === '/v1/chat/completions');
  const request = (endpointId: string, content: string, extra: Partial<PlaygroundRequest> = {}) => ({
    endpointId,
    messages: [{ role: 'user', content }],
    ...extra,
  });

  beforeAll(async () => {
    upstream = await startTestServer({ dialect: 'vllm', models: [MODEL], apiKey: KEY });
    db = await openStore(':memory:');
    endpoints = new EndpointRepo(db);
    // Node's fetch opens a spare connection after an aborted request; close it with the app.
    app = Fastify({ forceCloseConnections: true });
    installErrorHandling(app);
    await app.register(playgroundRoutes({ endpoints, shutdown: shutdown.signal }, { heartbeatMs: 40 }), {
      prefix: '/api',
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/api/playground/stream`;
  });
  afterAll(async () => {
    shutdown.abort();
    await app.close();
    await upstream.close();
    await db.close();
  });
  beforeEach(() => upstream.reset());

  it('relays start, reasoning, answer, usage and done as SSE events, in order', async () => {
    const endpoint = await addEndpoint('local vllm');
    upstream.script({ reply: { reasoning: 'Four, clearly.', content: 'It is 4.' } });
    const response = await post(request(endpoint.id, 'What is 2+2?'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events } = await readSse(response);
    for (const event of events) expect(event.name).toBe(event.data.type);
    const types = events.map((e) => e.data.type);
    expect(types[0]).toBe('start');
    expect(types.slice(-2)).toEqual(['usage', 'done']);
    expect(types.filter((t) => t === 'done' || t === 'error')).toEqual(['done']);
    expect(types.lastIndexOf('reasoning')).toBeLessThan(types.indexOf('delta'));
    expect(events[0]?.data).toEqual({ type: 'start', model: MODEL, endpointId: endpoint.id });
    const text = (type: 'delta' | 'reasoning') =>
      events.map((e) => (e.data.type === type ? e.data.text : '')).join('');
    expect(text('reasoning')).toBe('Four, clearly.');
    expect(text('delta')).toBe('It is 4.');
    expect(events.at(-1)?.data).toMatchObject({ type: 'done', finishReason: 'stop', completionTokens: 5 });
  });

  it("uses the endpoint's default model and merges its default params under the request's", async () => {
    const endpoint = await addEndpoint('with defaults', {
      defaultParams: {
        temperature: 0.6,
        top_k: 20,
        chat_template_kwargs: { enable_thinking: true, keep: 1 },
        extra: { min_tokens: 1 },
      },
    });
    const response = await post(
      request(endpoint.id, 'params', {
        params: {
          temperature: 0.1,
          chat_template_kwargs: { enable_thinking: false },
          extra: { seed_text: 'x' },
        },
      }),
    );
    await readSse(response);
    expect(chatRecord()?.body).toMatchObject({
      model: MODEL,
      temperature: 0.1,
      top_k: 20,
      chat_template_kwargs: { enable_thinking: false, keep: 1 },
      min_tokens: 1,
      seed_text: 'x',
    });
  });

  it('answers 424 naming the endpoint when the upstream refuses the key', async () => {
    const endpoint = await addEndpoint('wrong key', { apiKey: 'sk-not-the-right-one' });
    const response = await post(request(endpoint.id, 'hi'));
    expect(response.status).toBe(424);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toMatch(/^endpoint 'wrong key': .*API key/);
    expect(JSON.stringify(body)).not.toContain('sk-not-the-right-one');
  });

  it('answers 424 model_not_found for a model the upstream does not serve', async () => {
    const endpoint = await addEndpoint('unknown model', { defaultModel: null });
    const response = await post(request(endpoint.id, 'hi', { model: 'llama-70b' }));
    expect(response.status).toBe(424);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('model_not_found');
    expect(body.error.message).toContain("endpoint 'unknown model'");
    expect(body.error.message).toContain('llama-70b');
  });

  it('answers 424 connection_refused when nothing listens, and first_token_timeout when headers never come', async () => {
    const refused = await addEndpoint('nothing there', {
      baseUrl: `http://127.0.0.1:${await freePort()}/v1`,
    });
    const first = await post(request(refused.id, 'hi'));
    expect(first.status).toBe(424);
    const body = (await first.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('connection_refused');
    expect(body.error.message).toMatch(
      /^endpoint 'nothing there': cannot connect to .*is the server running\?$/,
    );

    const stalled = await addEndpoint('never answers', { timeouts: { connectMs: 300 } });
    upstream.script({ reply: { fault: 'stall_headers' } });
    const second = await post(request(stalled.id, 'hi'));
    expect(second.status).toBe(424);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe('first_token_timeout');
  });

  it('turns a failure after streaming began into one error event', async () => {
    const endpoint = await addEndpoint('mid-stream failure');
    upstream.script({ reply: { content: 'one two three four', fault: 'mid_stream_error' } });
    const { events } = await readSse(await post(request(endpoint.id, 'hi')));
    const types = events.map((e) => e.data.type);
    expect(types[0]).toBe('start');
    expect(types.filter((t) => t !== 'delta')).toEqual(['start', 'error']);
    expect(events.map((e) => (e.data.type === 'delta' ? e.data.text : '')).join('')).toBe('one two');
    const last = events.at(-1)?.data;
    expect(last?.type === 'error' && last.error.code).toBe('stream_error');
    expect(last?.type === 'error' && last.error.message).toMatch(/^endpoint 'mid-stream failure': /);
  });

  it('answers 400 naming the field for a bad body, 400 without any model, 404 for an unknown endpoint', async () => {
    const endpoint = await addEndpoint('for bad bodies', { defaultModel: null });
    const noMessages = await post({ endpointId: endpoint.id, messages: [] });
    expect(noMessages.status).toBe(400);
    expect(((await noMessages.json()) as { error: { message: string } }).error.message).toContain('messages');
    const badParam = await post(request(endpoint.id, 'hi', { params: { temperature: 7 } }));
    expect(((await badParam.json()) as { error: { message: string } }).error.message).toContain(
      'params.temperature',
    );
    const extraField = await post({ ...request(endpoint.id, 'hi'), stream: false });
    expect(extraField.status).toBe(400);
    const noModel = await post(request(endpoint.id, 'hi'));
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { message: string } }).error.message).toContain(
      "endpoint 'for bad bodies' has no default model",
    );
    const unknown = await post(request('no-such-endpoint', 'hi'));
    expect(unknown.status).toBe(404);
    expect(upstream.requests()).toHaveLength(0);
  });

  it('aborts the upstream request as soon as the browser disconnects mid-stream', async () => {
    const endpoint = await addEndpoint('disconnect mid-stream');
    // Two tokens, then the upstream goes quiet: only the disconnect itself can end the upstream request.
    upstream.script({ reply: { content: 'first second third fourth', fault: 'stall_between' } });
    const controller = new AbortController();
    const response = await post(request(endpoint.id, 'long'), controller.signal);
    await readSse(response, (read) => read.events.some((e) => e.data.type === 'delta'));
    expect(chatRecord()?.outcome).toBe('pending');
    controller.abort();
    await eventually(() => expect(chatRecord()?.outcome).toBe('client_closed'));
  });

  it('aborts the upstream request when the browser leaves before the first token', async () => {
    const endpoint = await addEndpoint('disconnect early');
    upstream.script({ reply: { content: 'never', fault: 'stall_headers' } });
    const controller = new AbortController();
    const pending = post(request(endpoint.id, 'hi'), controller.signal).catch(() => null);
    await eventually(() => expect(chatRecord()?.outcome).toBe('pending'));
    controller.abort();
    await pending;
    await eventually(() => expect(chatRecord()?.outcome).toBe('client_closed'));
  });

  it('sends comment heartbeats while the upstream is silent', async () => {
    const endpoint = await addEndpoint('silent upstream');
    upstream.script({ reply: { content: 'a b c d', fault: 'stall_between' } });
    const controller = new AbortController();
    const response = await post(request(endpoint.id, 'hi'), controller.signal);
    const read = await readSse(response, (r) => r.comments >= 3);
    controller.abort();
    expect(read.comments).toBeGreaterThanOrEqual(3);
    expect(read.events[0]?.data.type).toBe('start');
    expect(read.events.map((e) => (e.data.type === 'delta' ? e.data.text : '')).join('')).toBe('a b');
  });

  it('stops reading the upstream while the browser does not read (backpressure)', async () => {
    const endpoint = await addEndpoint('slow reader');
    const token = 'x'.repeat(1999);
    const tokens = 20_000;
    upstream.script({ reply: { content: `${token} `.repeat(tokens) } });
    const controller = new AbortController();
    const response = await post(request(endpoint.id, 'big'), controller.signal);
    expect(response.status).toBe(200);
    // Nothing reads the response now: the relay must stop pulling, so the upstream must stop sending.
    let previous = -1;
    await vi.waitFor(
      async () => {
        const sent = chatRecord()?.sentChars ?? 0;
        const settled = sent === previous && sent > 0;
        previous = sent;
        if (!settled) await new Promise((resolve) => setTimeout(resolve, 200));
        expect(settled).toBe(true);
      },
      { timeout: 20_000, interval: 50 },
    );
    expect(chatRecord()?.outcome).toBe('pending');
    expect(chatRecord()?.sentChars).toBeLessThan((tokens * token.length) / 2);
    // Reading again resumes the flow, in order.
    const text = (r: SseRead) => r.events.map((e) => (e.data.type === 'delta' ? e.data.text : '')).join('');
    const read = await readSse(response, (r) => text(r).length >= 2_000 * token.length);
    const words = text(read).split(' ');
    words.pop();
    expect(words.length).toBeGreaterThanOrEqual(1_999);
    expect(words.every((word) => word === token)).toBe(true);
    controller.abort();
    await eventually(() => expect(chatRecord()?.outcome).toBe('client_closed'));
  });
});
