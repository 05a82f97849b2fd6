import type {
  ChatMessage,
  EndpointTimeouts,
  InferenceError,
  InferenceEvent,
  SamplingParams,
  Timings,
  Usage,
} from '@trellis/shared';
import { SseParser } from '@trellis/shared';
import { readChunk, readTimings, readUsage } from './chunk.ts';
import {
  checkBaseUrl,
  describeBase,
  httpError,
  isRecord,
  networkError,
  readVendorError,
  redactError,
} from './errors.ts';
import { RequestControl } from './request-control.ts';
import { ThinkSplitter } from './think.ts';

export interface ChatStreamRequest {
  /** The OpenAI-compatible base, `/v1` included. */
  baseUrl: string;
  apiKey?: string | null;
  model: string;
  messages: ChatMessage[];
  params?: SamplingParams;
  /**
   * Extra request headers, such as the `x-trellis-*` labels naming the run, node and role a call belongs to (for
   * servers' logs and proxies). They cannot replace the content type, accept or authorization headers.
   */
  headers?: Record<string, string>;
  timeouts: EndpointTimeouts;
  /** Aborting ends the stream with an `aborted` error and cancels the upstream request. */
  signal?: AbortSignal;
}

export type InferenceStream = AsyncGenerator<InferenceEvent, void, undefined>;

const ERROR_BODY_LIMIT = 4000;
/**
 * After `[DONE]` the rest of the body (normally just the chunked terminator) is read so the connection can be
 * reused; a server that keeps the response open longer than this loses its connection instead.
 */
const DRAIN_MS = 1000;
const NOT_YET = Symbol('not yet');

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** The JSON body of a streamed chat completion: named params, then vendor extras, then what streaming needs. */
export function buildChatBody(
  model: string,
  messages: ChatMessage[],
  params: SamplingParams = {},
): Record<string, unknown> {
  const { extra, ...named } = params;
  const extraOptions = extra?.stream_options;
  return {
    ...extra,
    ...named,
    model,
    messages,
    stream: true,
    stream_options: { ...(isRecord(extraOptions) ? extraOptions : {}), include_usage: true },
  };
}

interface Accumulated {
  ttftMs: number | null;
  /** Content and reasoning fragments: the token count when the server reports none. */
  pieces: number;
  /** SSE data messages received. */
  messages: number;
  finishReason: string | null;
  stopReason: string | number | null;
  sawFinish: boolean;
  sawDone: boolean;
  usage: Usage | null;
  timings: Timings | null;
  failure: InferenceEvent | null;
}

interface RunState {
  /** Set when the consumer called `return()`: end quietly, nobody is listening. */
  returned: boolean;
  /** Set once the answer is complete: the request is then drained for reuse, never aborted. */
  settled: boolean;
}

/**
 * Streams a chat completion from an OpenAI-compatible server and normalises every vendor dialect into
 * `InferenceEvent`s: `start`, then `delta` / `reasoning`, then `usage` and `timings` when the server sent them,
 * then exactly one `done` — or, on any failure, exactly one `error` whose message says what to check.
 *
 * Never retries: a retried generation would run twice. Calling `return()` on the stream, or aborting
 * `req.signal`, aborts the upstream request at once.
 */
export function streamChat(req: ChatStreamRequest): InferenceStream {
  const control = new RequestControl(req.timeouts);
  const state: RunState = { returned: false, settled: false };
  const inner = run(req, control, state);
  const stop = () => {
    state.returned = true;
    if (!state.settled) control.abort();
  };
  const stream: InferenceStream = {
    next: () => inner.next(),
    return: (value) => {
      stop();
      return inner.return(value);
    },
    throw: (error: unknown) => {
      stop();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]() {
      return stream;
    },
  };
  return stream;
}

async function* run(req: ChatStreamRequest, control: RequestControl, state: RunState): InferenceStream {
  const startedAt = performance.now();
  const where = describeBase(req.baseUrl);
  const fail = (error: InferenceError): InferenceEvent => ({
    type: 'error',
    error: redactError(error, req.apiKey),
  });

  const checked = checkBaseUrl(req.baseUrl);
  if ('error' in checked) {
    yield fail(checked.error);
    return;
  }
  if (req.signal?.aborted) {
    yield fail({ code: 'aborted', message: `the request to ${where} was cancelled before it was sent` });
    return;
  }

  control.start();
  const onAbort = () => control.abort();
  req.signal?.addEventListener('abort', onAbort, { once: true });
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  let headersArrived = false;

  const explain = (error: unknown): InferenceEvent | null => {
    switch (control.expired) {
      case 'connect':
        return fail({
          code: 'first_token_timeout',
          message: `${where} sent no response within ${seconds(req.timeouts.connectMs)} (connect timeout) — is the server overloaded or the address wrong?`,
        });
      case 'first':
        return fail({
          code: 'first_token_timeout',
          message: `${where} produced no token within ${seconds(req.timeouts.firstTokenMs)} (first-token timeout) — the server may be overloaded or the prompt very long`,
        });
      case 'idle':
        return fail({
          code: 'idle_timeout',
          message: `${where} stopped sending tokens for ${seconds(req.timeouts.idleMs)} mid-answer (idle timeout) — the server may be stuck or overloaded`,
        });
      default:
        break;
    }
    if (state.returned) return null;
    if (req.signal?.aborted) {
      return fail({ code: 'aborted', message: `the request to ${where} was cancelled` });
    }
    return fail(networkError(error, req.baseUrl, headersArrived));
  };

  try {
    const headers: Record<string, string> = {
      ...req.headers,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    };
    if (req.apiKey) headers.authorization = `Bearer ${req.apiKey}`;
    let response: Response;
    try {
      response = await control.fetch(`${checked.url.href.replace(/\/+$/, '')}/chat/completions`, {
        method: 'POST',
        headers,
        body: JSON.stringify(buildChatBody(req.model, req.messages, req.params)),
        // A POST is never followed across a redirect (it would be replayed as a GET): the redirect is
        // reported below. Not `error`: with it Node's fetch can lose track of the abort signal (see RequestControl).
        redirect: 'manual',
      });
    } catch (error) {
      const event = explain(error);
      if (event) yield event;
      return;
    }
    headersArrived = true;
    control.headersArrived();
    if (response.status >= 300 && response.status < 400) {
      response.body?.cancel().catch(() => {});
      const location = response.headers.get('location');
      yield fail({
        code: 'invalid_url',
        message: `${where} answered with a redirect (HTTP ${response.status}${location ? ` to ${location}` : ''}) — use the address it redirects to as the base URL`,
      });
      return;
    }
    if (response.body === null) {
      yield fail({
        code: 'malformed_stream',
        message: `${where} answered HTTP ${response.status} with no body`,
      });
      return;
    }
    reader = response.body.getReader();

    if (!response.ok) {
      let body: string;
      try {
        body = await readText(reader, control, ERROR_BODY_LIMIT);
      } catch (error) {
        const event = explain(error);
        if (event) yield event;
        return;
      }
      yield fail(
        httpError(response.status, body, {
          baseUrl: req.baseUrl,
          request: 'POST /chat/completions',
          model: req.model,
          sentKey: Boolean(req.apiKey),
        }),
      );
      return;
    }

    control.streaming();
    yield { type: 'start', model: req.model, at: Date.now() };

    const contentType = response.headers.get('content-type') ?? '';
    if (contentType.includes('application/json')) {
      // The server ignored `stream: true` and answered with one completion.
      let body: string;
      try {
        body = await readText(reader, control, 64 * 1024 * 1024);
      } catch (error) {
        const event = explain(error);
        if (event) yield event;
        return;
      }
      yield* completeFromJson(body, startedAt, where, fail);
      return;
    }

    const parser = new SseParser();
    const splitter = new ThinkSplitter();
    const out: InferenceEvent[] = [];
    const acc: Accumulated = {
      ttftMs: null,
      pieces: 0,
      messages: 0,
      finishReason: null,
      stopReason: null,
      sawFinish: false,
      sawDone: false,
      usage: null,
      timings: null,
      failure: null,
    };

    const emit = (kind: 'content' | 'reasoning', text: string) => {
      if (text.length === 0) return;
      acc.pieces++;
      const type = kind === 'content' ? 'delta' : 'reasoning';
      // Fragments that arrived in one read are joined: it costs no latency and saves an event per token.
      const last = out[out.length - 1];
      if (last !== undefined && last.type === type) last.text += text;
      else out.push({ type, text });
    };

    const handle = (data: string): void => {
      acc.messages++;
      if (data === '[DONE]') {
        acc.sawDone = true;
        return;
      }
      let value: unknown;
      try {
        value = JSON.parse(data);
      } catch {
        const shown = data.length > 120 ? `${data.slice(0, 120)}…` : data;
        acc.failure = fail({
          code: 'malformed_stream',
          message: `${where} sent a stream chunk that is not JSON: ${shown}`,
        });
        return;
      }
      if (!isRecord(value)) return;
      const parts = readChunk(value);
      if (parts.error !== undefined) {
        const vendor = readVendorError(parts.error);
        acc.failure = fail({
          code: 'stream_error',
          message: `${where} reported an error mid-stream: ${vendor.message ?? 'no details given'}`,
          ...(vendor.type ? { vendorType: vendor.type } : {}),
        });
        return;
      }
      if (acc.ttftMs === null && (parts.reasoning || parts.content)) {
        // The first token counts even when it is a `<think>` tag the splitter holds back.
        acc.ttftMs = performance.now() - startedAt;
        control.firstToken();
      }
      if (parts.reasoning) emit('reasoning', parts.reasoning);
      if (parts.content) splitter.push(parts.content, emit);
      if (parts.finishReason !== undefined) {
        acc.sawFinish = true;
        acc.finishReason = parts.finishReason;
        if (parts.stopReason !== undefined) acc.stopReason = parts.stopReason;
        control.firstToken();
      }
      if (parts.usage !== undefined && parts.usage !== null) acc.usage = readUsage(parts.usage) ?? acc.usage;
      if (parts.timings !== undefined) acc.timings = readTimings(parts.timings) ?? acc.timings;
    };

    let ended = false;
    try {
      while (!acc.sawDone && acc.failure === null) {
        const chunk = await control.read(reader);
        if (chunk.done) {
          ended = true;
          for (const message of parser.finish().messages) if (acc.failure === null) handle(message.data);
          break;
        }
        const batch = parser.push(chunk.value);
        // Comment pings keep a connection open but are not progress: only data resets the idle timer.
        if (batch.messages.length > 0) control.progress();
        for (const message of batch.messages) {
          handle(message.data);
          if (acc.failure !== null || acc.sawDone) break;
        }
        if (out.length > 0) {
          for (const event of out) yield event;
          out.length = 0;
        }
      }
    } catch (error) {
      for (const event of out) yield event;
      const event = explain(error);
      if (event) yield event;
      return;
    }
    for (const event of out) yield event;
    out.length = 0;
    if (acc.failure !== null) {
      yield acc.failure;
      return;
    }
    if (!acc.sawDone && !acc.sawFinish && acc.messages === 0 && !contentType.includes('event-stream')) {
      yield fail({
        code: 'malformed_stream',
        message: `${where} answered HTTP ${response.status} with ${contentType || 'no content type'} instead of an event stream — is the base URL an OpenAI-compatible API?`,
      });
      return;
    }
    if (!acc.sawDone && !acc.sawFinish) {
      yield fail({
        code: 'connection_lost',
        message: `the stream from ${where} ended before the answer was finished (no finish_reason, no [DONE]) — the server may have crashed`,
      });
      return;
    }
    splitter.flush(emit);
    if (ended || (await endsNow(reader))) reader = null;
    state.settled = true;
    control.clear();
    for (const event of out) yield event;
    out.length = 0;
    if (acc.usage !== null) yield { type: 'usage', usage: acc.usage };
    if (acc.timings !== null) yield { type: 'timings', timings: acc.timings };
    yield {
      type: 'done',
      finishReason: acc.finishReason,
      stopReason: acc.stopReason,
      ttftMs: acc.ttftMs,
      latencyMs: performance.now() - startedAt,
      completionTokens: acc.usage?.completionTokens ?? acc.timings?.predictedN ?? acc.pieces,
    };
  } finally {
    control.clear();
    req.signal?.removeEventListener('abort', onAbort);
    if (reader !== null) {
      if (state.settled) void drainOrAbort(reader, control);
      else {
        control.abort();
        reader.cancel().catch(() => {});
      }
    }
  }
}

async function readText(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  control: RequestControl,
  limit: number,
): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for (;;) {
    const chunk = await control.read(reader);
    if (chunk.done) break;
    text += decoder.decode(chunk.value, { stream: true });
    if (text.length > limit) {
      await reader.cancel().catch(() => {});
      break;
    }
  }
  return text + decoder.decode();
}

/**
 * Whether the body ends without waiting: after `[DONE]` the chunked terminator has normally arrived with it,
 * so the read settles before the event loop turns.
 */
async function endsNow(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<boolean> {
  try {
    for (let reads = 0; reads < 4; reads++) {
      const next = await Promise.race([
        reader.read(),
        new Promise<typeof NOT_YET>((resolve) => setImmediate(resolve, NOT_YET)),
      ]);
      if (next === NOT_YET) return false;
      if (next.done) return true;
    }
  } catch {
    // Closed after the answer was complete: nothing to reuse, nothing lost.
    return true;
  }
  return false;
}

/** Reads what is left after a complete answer so the connection can be reused, in the background. */
async function drainOrAbort(reader: ReadableStreamDefaultReader<Uint8Array>, control: RequestControl) {
  let timer: NodeJS.Timeout | undefined;
  const giveUp = new Promise<typeof NOT_YET>((resolve) => {
    timer = setTimeout(resolve, DRAIN_MS, NOT_YET);
  });
  try {
    for (;;) {
      const chunk = await Promise.race([reader.read(), giveUp]);
      if (chunk === NOT_YET) {
        control.abort();
        reader.cancel().catch(() => {});
        return;
      }
      if (chunk.done) return;
    }
  } catch {
    // The answer is complete; a connection closing now changes nothing.
  } finally {
    clearTimeout(timer);
  }
}

function* completeFromJson(
  body: string,
  startedAt: number,
  where: string,
  fail: (error: InferenceError) => InferenceEvent,
): Generator<InferenceEvent> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    yield fail({ code: 'malformed_stream', message: `${where} answered with JSON that does not parse` });
    return;
  }
  if (!isRecord(value)) {
    yield fail({ code: 'malformed_stream', message: `${where} answered with JSON that is not a completion` });
    return;
  }
  const parts = readChunk(value);
  if (parts.error !== undefined) {
    const vendor = readVendorError(parts.error);
    yield fail({
      code: 'stream_error',
      message: `${where} reported an error: ${vendor.message ?? 'no details given'}`,
      ...(vendor.type ? { vendorType: vendor.type } : {}),
    });
    return;
  }
  const events: InferenceEvent[] = [];
  let pieces = 0;
  const emit = (kind: 'content' | 'reasoning', text: string) => {
    if (text.length === 0) return;
    pieces++;
    events.push(kind === 'content' ? { type: 'delta', text } : { type: 'reasoning', text });
  };
  if (parts.reasoning) emit('reasoning', parts.reasoning);
  const splitter = new ThinkSplitter();
  if (parts.content) splitter.push(parts.content, emit);
  splitter.flush(emit);
  yield* events;
  const usage = readUsage(parts.usage);
  const timings = readTimings(parts.timings);
  if (usage) yield { type: 'usage', usage };
  if (timings) yield { type: 'timings', timings };
  const latencyMs = performance.now() - startedAt;
  yield {
    type: 'done',
    finishReason: parts.finishReason ?? null,
    stopReason: parts.stopReason ?? null,
    ttftMs: pieces > 0 ? latencyMs : null,
    latencyMs,
    completionTokens: usage?.completionTokens ?? timings?.predictedN ?? pieces,
  };
}

/** A whole generation gathered from a stream, for callers that do not show tokens as they come. */
export interface ChatResult {
  text: string;
  reasoning: string;
  usage: Usage | null;
  timings: Timings | null;
  finishReason: string | null;
  ttftMs: number | null;
  latencyMs: number | null;
  error: InferenceError | null;
}

/** Reads a stream to its end. The text gathered before an error is kept. */
export async function collectChat(stream: AsyncIterable<InferenceEvent>): Promise<ChatResult> {
  const text: string[] = [];
  const reasoning: string[] = [];
  const result: ChatResult = {
    text: '',
    reasoning: '',
    usage: null,
    timings: null,
    finishReason: null,
    ttftMs: null,
    latencyMs: null,
    error: null,
  };
  for await (const event of stream) {
    switch (event.type) {
      case 'delta':
        text.push(event.text);
        break;
      case 'reasoning':
        reasoning.push(event.text);
        break;
      case 'usage':
        result.usage = event.usage;
        break;
      case 'timings':
        result.timings = event.timings;
        break;
      case 'done':
        result.finishReason = event.finishReason;
        result.ttftMs = event.ttftMs;
        result.latencyMs = event.latencyMs;
        break;
      case 'error':
        result.error = event.error;
        break;
      default:
        break;
    }
  }
  result.text = text.join('');
  result.reasoning = reasoning.join('');
  return result;
}
