import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describeZodError } from '@trellis/shared';
import {
  DIALECT_SPECS,
  type Dialect,
  type DialectSpec,
  type ErrorKind,
  metricsText,
  OWNED_BY,
  unauthorizedMessage,
  unknownModelMessage,
  type WireUsage,
} from './dialects.ts';
import type { Persona } from './persona.ts';
import { PrefixCache } from './prefix-cache.ts';
import {
  type ChatInput,
  countTokens,
  defaultReply,
  matches,
  parseScript,
  type ScriptEntry,
  type ScriptReply,
  tokenize,
} from './script.ts';

/**
 * A scripted OpenAI-compatible server for tests, benchmarks and demos — not an inference server. It speaks the
 * dialects of vLLM, SGLang, llama.cpp, Ollama, OpenAI and TGI closely enough to exercise every path of the
 * inference client, and fails on demand.
 */
export interface TestServerOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  dialect: Dialect;
  models?: string[];
  /** Require `Authorization: Bearer <apiKey>` on /v1; a wrong or missing key gets the dialect's 401. */
  apiKey?: string;
  /** With `apiKey`, leave `GET /v1/models` open and guard only the rest (as a proxy that guards only POST). */
  openModels?: boolean;
  /** Delay before each token, in milliseconds. */
  paceMs?: number;
  /** Answer /health (and chat) as a server still loading its model. */
  loading?: boolean;
  /** Put reasoning inside `<think>…</think>` in the content (as Qwen3 without a reasoning parser). */
  thinkInContent?: boolean;
  /** Requests beyond this many wait in a queue (reported as waiting in /metrics). */
  maxConcurrent?: number;
  maxModelLen?: number;
  /** How often llama.cpp-style comment pings are sent while a stream stalls. */
  pingMs?: number;
  /** Instrumentation for benchmarks: called with each content token as it is written. */
  onToken?: (token: string, at: number) => void;
  /**
   * Answers what the script does not, instead of the echo (e.g. the simulated model); its `ownedBy` labels the
   * models in /v1/models and its models are served when `models` is not given.
   */
  persona?: Persona;
}

export type RequestOutcome = 'pending' | 'completed' | 'client_closed' | 'dropped';

export interface RecordedRequest {
  id: number;
  method: string;
  path: string;
  /** Without `authorization`. */
  headers: Record<string, string>;
  /** Parsed JSON when the body was JSON, else the text, else null. */
  body: unknown;
  receivedAt: number;
  /** Which TCP connection carried it (1, 2, …): equal numbers mean a reused connection. */
  connection: number;
  status: number | null;
  /** Characters of response body handed to the socket so far (shows whether a client applies backpressure). */
  sentChars: number;
  /** `client_closed`: the client went away before the answer was complete. */
  outcome: RequestOutcome;
}

export interface TestServer {
  /** Base URL including `/v1`. */
  url: string;
  port: number;
  dialect: Dialect;
  /** Queues scripted replies; the first entry matching a request answers it (and is consumed unless `repeat`). */
  script(entries: ScriptEntry | ScriptEntry[]): void;
  /** Every request so far except the control routes, oldest first. */
  requests(): RecordedRequest[];
  /** The most chat requests it has answered at once since it started (or was reset). */
  peakRunning(): number;
  /** Forgets the script, the recorded requests and the metrics counters. */
  reset(): void;
  setLoading(loading: boolean): void;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const BODY_LIMIT = 32 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: http.ServerResponse, status: number, contentType: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}

interface Exchange {
  res: http.ServerResponse;
  record: RecordedRequest;
  closed: boolean;
  whenClosed: Promise<void>;
}

interface Piece {
  kind: 'content' | 'reasoning';
  text: string;
}

const FAULT_AFTER = 2;

/** Starts a scripted test server (see `TestServerOptions`). */
export async function startTestServer(options: TestServerOptions): Promise<TestServer> {
  const dialect = options.dialect;
  const spec: DialectSpec = DIALECT_SPECS[dialect];
  const persona = options.persona ?? null;
  const models =
    options.models && options.models.length > 0 ? options.models : (persona?.models ?? ['test-model']);
  const ownedBy = persona?.ownedBy ?? OWNED_BY;
  const host = options.host ?? '127.0.0.1';
  const maxModelLen = options.maxModelLen ?? 32_768;
  const thinkInContent = spec.reasoningField === null || (options.thinkInContent ?? false);
  const pingMs = options.pingMs ?? 100;
  const created = Math.floor(Date.now() / 1000);

  let loading = options.loading ?? false;
  let queue: ScriptEntry[] = [];
  let records: RecordedRequest[] = [];
  let nextId = 1;
  const connections = new WeakMap<object, number>();
  let nextConnection = 1;
  const connectionOf = (socket: object): number => {
    let id = connections.get(socket);
    if (id === undefined) {
      id = nextConnection++;
      connections.set(socket, id);
    }
    return id;
  };
  let running = 0;
  let peak = 0;
  const waiters: (() => void)[] = [];
  let prefixQueries = 0;
  let prefixHits = 0;
  const prefixCache = new PrefixCache(persona?.prefixCacheEntries ?? 1);

  const errorReply = (res: http.ServerResponse, kind: ErrorKind, status: number, message: string) => {
    sendJson(res, status, spec.errorBody(kind, status, message));
  };

  const takeReply = (input: ChatInput): ScriptReply | null => {
    const index = queue.findIndex((entry) => matches(entry, input));
    if (index === -1) return null;
    const entry = queue[index]!;
    if (!entry.repeat) queue.splice(index, 1);
    return entry.reply;
  };

  const acquire = async (exchange: Exchange): Promise<boolean> => {
    const limit = options.maxConcurrent ?? Number.POSITIVE_INFINITY;
    while (running >= limit) {
      const turn = new Promise<void>((resolve) => waiters.push(resolve));
      await Promise.race([turn, exchange.whenClosed]);
      if (exchange.closed) return false;
    }
    running++;
    peak = Math.max(peak, running);
    return true;
  };
  const release = () => {
    running--;
    waiters.shift()?.();
  };

  const authorized = (req: http.IncomingMessage, method: string, path: string): boolean | string | null => {
    if (!options.apiKey) return true;
    if (options.openModels && method === 'GET' && path === '/v1/models') return true;
    const header = req.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice(7) : null;
    return presented === options.apiKey ? true : presented;
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    let text: string;
    try {
      text = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) errorReply(res, 'bad_request', 413, 'request body too large');
      return;
    }
    let body: unknown = null;
    if (text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }

    if (path.startsWith('/__')) {
      control(method, path, body, res);
      return;
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name === 'authorization' || name === 'proxy-authorization' || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const record: RecordedRequest = {
      id: nextId++,
      method,
      path,
      headers,
      body,
      receivedAt: Date.now(),
      connection: connectionOf(req.socket),
      status: null,
      sentChars: 0,
      outcome: 'pending',
    };
    records.push(record);
    let resolveClosed: () => void = () => {};
    const exchange: Exchange = {
      res,
      record,
      closed: false,
      whenClosed: new Promise<void>((resolve) => {
        resolveClosed = resolve;
      }),
    };
    res.on('close', () => {
      exchange.closed = true;
      record.status = res.headersSent ? res.statusCode : record.status;
      if (record.outcome === 'pending') record.outcome = res.writableFinished ? 'completed' : 'client_closed';
      resolveClosed();
    });

    if (method === 'GET' && path === '/health') {
      const health = spec.health(loading);
      send(res, health.status, health.contentType, health.body);
      return;
    }
    if (method === 'GET' && path === '/' && dialect === 'ollama') {
      send(res, 200, 'text/plain; charset=utf-8', 'Ollama is running');
      return;
    }
    if (method === 'GET' && path === '/props' && dialect === 'llamacpp') {
      sendJson(res, 200, {
        default_generation_settings: { n_ctx: maxModelLen },
        total_slots: options.maxConcurrent ?? 1,
        model_path: `/models/${models[0]}.gguf`,
      });
      return;
    }
    if (method === 'GET' && path === '/metrics' && spec.metrics) {
      const text = metricsText(spec.metrics, {
        model: models[0]!,
        running,
        waiting: waiters.length,
        kvCacheUsage: Math.min(1, running * 0.05),
        prefixQueries,
        prefixHits,
      });
      send(res, 200, 'text/plain; version=0.0.4; charset=utf-8', text);
      return;
    }
    if (path.startsWith('/v1/')) {
      const auth = authorized(req, method, path);
      if (auth !== true) {
        errorReply(res, 'auth', 401, unauthorizedMessage(dialect, auth === false ? null : auth));
        return;
      }
      if (loading) {
        errorReply(res, 'loading', 503, 'Loading model');
        return;
      }
      if (method === 'GET' && path === '/v1/models') {
        sendJson(res, 200, {
          object: 'list',
          data: models.map((id) => ({ ...spec.modelEntry(id, created, maxModelLen), owned_by: ownedBy })),
        });
        return;
      }
      if (method === 'POST' && path === '/v1/chat/completions') {
        await chat(exchange, body, headers);
        return;
      }
    }
    if (dialect === 'vllm' || dialect === 'sglang') sendJson(res, 404, { detail: 'Not Found' });
    else errorReply(res, 'not_found', 404, `no route ${method} ${path} on this scripted test server`);
  };

  const control = (method: string, path: string, body: unknown, res: http.ServerResponse) => {
    if (method === 'POST' && path === '/__script') {
      const parsed = parseScript(body);
      if ('error' in parsed) {
        sendJson(res, 400, { error: { message: `invalid script: ${describeZodError(parsed.error)}` } });
        return;
      }
      queue.push(...parsed.entries);
      sendJson(res, 200, { queued: queue.length });
      return;
    }
    if (method === 'GET' && path === '/__requests') {
      sendJson(res, 200, records);
      return;
    }
    if (method === 'POST' && path === '/__reset') {
      reset();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (method === 'POST' && path === '/__loading') {
      loading = isJson(body) && body.loading === true;
      sendJson(res, 200, { loading });
      return;
    }
    sendJson(res, 404, { error: { message: `no control route ${method} ${path}` } });
  };

  const reset = () => {
    queue = [];
    records = [];
    prefixQueries = 0;
    prefixHits = 0;
    prefixCache.clear();
    peak = running;
  };

  const chat = async (exchange: Exchange, body: unknown, headers: Record<string, string>): Promise<void> => {
    const { res } = exchange;
    if (!isJson(body)) {
      errorReply(res, 'bad_request', 400, 'the request body must be a JSON object');
      return;
    }
    const model = typeof body.model === 'string' ? body.model : models[0]!;
    if (!models.includes(model)) {
      errorReply(res, 'not_found', 404, unknownModelMessage(dialect, model, models));
      return;
    }
    const messages = Array.isArray(body.messages) ? body.messages.filter(isJson) : [];
    if (messages.length === 0) {
      errorReply(res, 'bad_request', dialect === 'tgi' ? 422 : 400, 'messages must be a non-empty array');
      return;
    }
    const contentOf = (message: Json) => (typeof message.content === 'string' ? message.content : '');
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const kwargs = isJson(body.chat_template_kwargs) ? body.chat_template_kwargs : {};
    const input: ChatInput = {
      model,
      system: messages
        .filter((m) => m.role === 'system')
        .map(contentOf)
        .join('\n'),
      lastUser: lastUser ? contentOf(lastUser) : '',
      enableThinking: kwargs.enable_thinking !== false,
    };
    const prompt = messages.map(contentOf).join('\n');
    const promptTokens = countTokens(prompt);
    const cachedTokens = prefixCache.measure(prompt, promptTokens);
    const reply =
      takeReply(input) ??
      (persona
        ? persona.reply({
            model,
            messages: messages.map((m) => ({ role: String(m.role ?? ''), content: contentOf(m) })),
            headers,
            body,
            enableThinking: input.enableThinking,
            promptTokens,
            cachedTokens,
          })
        : defaultReply(input));
    if (reply.error) {
      const status = reply.error.status;
      const kind: ErrorKind =
        status === 401 || status === 403
          ? 'auth'
          : status === 404
            ? 'not_found'
            : status === 429
              ? 'rate_limited'
              : status >= 500
                ? 'server'
                : 'bad_request';
      errorReply(res, kind, status, reply.error.message ?? `scripted HTTP ${status}`);
      return;
    }
    if (reply.fault === 'http_500') {
      errorReply(res, 'server', 500, 'Internal server error (scripted fault http_500)');
      return;
    }

    prefixQueries += promptTokens;
    prefixHits += cachedTokens;
    prefixCache.remember(prompt);

    if (!(await acquire(exchange))) return;
    try {
      const streamOptions = isJson(body.stream_options) ? body.stream_options : {};
      const job: Job = {
        exchange,
        model,
        reply,
        pace: reply.paceMs ?? options.paceMs ?? 0,
        includeUsage: streamOptions.include_usage === true,
        promptTokens,
        cachedTokens,
      };
      if (body.stream === true) await streamReply(job);
      else await completeReply(job);
    } finally {
      release();
    }
  };

  interface Job {
    exchange: Exchange;
    model: string;
    reply: ScriptReply;
    pace: number;
    includeUsage: boolean;
    promptTokens: number;
    cachedTokens: number;
  }

  const piecesOf = (reply: ScriptReply): Piece[] => {
    const pieces: Piece[] = [];
    const reasoning = reply.reasoning ?? '';
    if (reasoning !== '') {
      if (thinkInContent) {
        pieces.push({ kind: 'content', text: '<think>' }, { kind: 'content', text: '\n' });
        for (const text of tokenize(reasoning)) pieces.push({ kind: 'content', text });
        pieces.push({ kind: 'content', text: '\n' }, { kind: 'content', text: '</think>' });
        pieces.push({ kind: 'content', text: '\n\n' });
      } else {
        for (const text of tokenize(reasoning)) pieces.push({ kind: 'reasoning', text });
      }
    }
    for (const text of tokenize(reply.content ?? '')) pieces.push({ kind: 'content', text });
    return pieces;
  };

  const usageOf = (job: Job, pieces: Piece[]): WireUsage | null => {
    const override = job.reply.usage;
    if (override === false) return null;
    const reasoningTokens = thinkInContent
      ? tokenize(job.reply.reasoning ?? '').length
      : pieces.filter((p) => p.kind === 'reasoning').length;
    const promptTokens = override?.promptTokens ?? job.promptTokens;
    const completionTokens = override?.completionTokens ?? pieces.length;
    const usage: WireUsage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    const cached = override?.cachedTokens ?? job.cachedTokens;
    if (cached > 0 && (dialect === 'vllm' || dialect === 'openai')) {
      usage.prompt_tokens_details = { cached_tokens: cached };
    }
    const reasoning = override?.reasoningTokens ?? reasoningTokens;
    if (reasoning > 0 && dialect === 'openai')
      usage.completion_tokens_details = { reasoning_tokens: reasoning };
    return usage;
  };

  const timingsOf = (job: Job, completion: number, startedAt: number) => {
    const predictedMs = Math.max(performance.now() - startedAt, 0.001);
    return {
      prompt_n: job.promptTokens - job.cachedTokens,
      prompt_ms: 1.5,
      prompt_per_token_ms: 0.01,
      prompt_per_second: 100_000,
      predicted_n: completion,
      predicted_ms: predictedMs,
      predicted_per_token_ms: completion > 0 ? predictedMs / completion : 0,
      predicted_per_second: completion > 0 ? (completion * 1000) / predictedMs : 0,
      cache_n: job.cachedTokens,
    };
  };

  let completionSeq = 0;

  const streamReply = async (job: Job): Promise<void> => {
    const { exchange, model, reply } = job;
    const { res } = exchange;
    const startedAt = performance.now();
    if (reply.fault === 'stall_headers') {
      await exchange.whenClosed;
      return;
    }
    const id = `chatcmpl-test-${++completionSeq}`;
    const chunk = (delta: Json, finishReason: string | null, extra?: Json): string => {
      const choice: Json = { index: 0, delta, logprobs: null, finish_reason: finishReason };
      if (spec.stopReason && finishReason !== null) choice.stop_reason = reply.stopReason ?? null;
      const payload: Json = {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [choice],
        ...extra,
      };
      return `data: ${JSON.stringify(payload)}\n\n`;
    };
    const pieces = piecesOf(reply);
    const faultAt =
      reply.fault === 'stall_before_first'
        ? 0
        : reply.fault !== undefined
          ? Math.min(FAULT_AFTER, pieces.length)
          : Number.POSITIVE_INFINITY;

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
      'x-trellis-test-server': dialect,
    });
    let buffered = chunk({ role: 'assistant', content: '' }, null);
    if (spec.pings) buffered += ': ping\n\n';
    let unreported: string[] = [];
    const report = options.onToken;
    const wait = (ms: number) =>
      Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), exchange.whenClosed]);

    const flush = async (): Promise<void> => {
      if (exchange.closed || buffered === '') return;
      const ok = res.write(buffered);
      exchange.record.sentChars += buffered.length;
      buffered = '';
      if (report && unreported.length > 0) {
        const at = performance.now();
        for (const token of unreported) report(token, at);
        unreported = [];
      }
      if (!ok)
        await Promise.race([new Promise((resolve) => res.once('drain', resolve)), exchange.whenClosed]);
    };

    const stall = async (): Promise<void> => {
      await flush();
      const pinger = spec.pings
        ? setInterval(() => {
            if (!exchange.closed) res.write(': ping\n\n');
          }, pingMs)
        : null;
      await exchange.whenClosed;
      if (pinger) clearInterval(pinger);
    };

    if (reply.firstTokenMs && faultAt !== 0) {
      await flush();
      await wait(reply.firstTokenMs);
    }
    for (let i = 0; i < pieces.length; i++) {
      if (exchange.closed) return;
      if (i === faultAt) {
        await fault(job, buffered, id, stall);
        return;
      }
      const piece = pieces[i]!;
      if (job.pace > 0) {
        await flush();
        await wait(job.pace);
        if (exchange.closed) return;
      }
      buffered += chunk(
        piece.kind === 'content' ? { content: piece.text } : { [spec.reasoningField!]: piece.text },
        null,
      );
      if (report && piece.kind === 'content') unreported.push(piece.text);
      if (spec.pings && i % 16 === 15) buffered += ': ping\n\n';
      if (job.pace > 0) await flush();
      else if (buffered.length > 16_384) {
        await flush();
        await nextTurn();
      }
    }
    if (faultAt === 0 || (faultAt !== Number.POSITIVE_INFINITY && faultAt >= pieces.length)) {
      await fault(job, buffered, id, stall);
      return;
    }
    const usage = usageOf(job, pieces);
    const finishReason = reply.finishReason === undefined ? 'stop' : reply.finishReason;
    if (spec.usageOnLastChunk) {
      const extra: Json = { timings: timingsOf(job, pieces.length, startedAt) };
      if (usage) extra.usage = usage;
      buffered += chunk({}, finishReason, extra);
    } else {
      buffered += chunk({}, finishReason);
      if (job.includeUsage && usage) {
        buffered += `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage })}\n\n`;
      }
    }
    buffered += 'data: [DONE]\n\n';
    if (exchange.closed) return;
    const rest = buffered;
    exchange.record.sentChars += rest.length;
    buffered = '';
    if (report && unreported.length > 0) {
      const at = performance.now();
      for (const token of unreported) report(token, at);
    }
    res.end(rest);
  };

  const fault = async (job: Job, pending: string, id: string, stall: () => Promise<void>): Promise<void> => {
    const { exchange, reply } = job;
    const { res } = exchange;
    switch (reply.fault) {
      case 'malformed_sse':
        res.end(
          `${pending}data: {"id":"${id}","choices":[{"index":0,"delta":{"content":"cut\n\ndata: [DONE]\n\n`,
        );
        return;
      case 'mid_stream_error':
        res.end(
          `${pending}data: ${JSON.stringify(spec.streamError('CUDA error: an illegal memory access was encountered (scripted fault mid_stream_error)'))}\n\ndata: [DONE]\n\n`,
        );
        return;
      case 'drop_connection':
        exchange.record.outcome = 'dropped';
        if (pending === '') setImmediate(() => res.socket?.destroy());
        else res.write(pending, () => res.socket?.destroy());
        return;
      default:
        await stall();
        return;
    }
  };

  const completeReply = async (job: Job): Promise<void> => {
    const { exchange, model, reply } = job;
    const { res } = exchange;
    switch (reply.fault) {
      case 'stall_headers':
      case 'stall_before_first':
      case 'stall_between':
        await exchange.whenClosed;
        return;
      case 'drop_connection':
        exchange.record.outcome = 'dropped';
        res.socket?.destroy();
        return;
      case 'malformed_sse':
        send(res, 200, 'application/json', '{"id": "cut');
        return;
      case 'mid_stream_error':
        errorReply(res, 'server', 500, 'CUDA error (scripted fault mid_stream_error)');
        return;
      default:
        break;
    }
    const pieces = piecesOf(reply);
    if (reply.firstTokenMs !== undefined) {
      const ms = reply.firstTokenMs + job.pace * pieces.length;
      if (ms > 0)
        await Promise.race([new Promise((resolve) => setTimeout(resolve, ms)), exchange.whenClosed]);
      if (exchange.closed) return;
    }
    const message: Json = { role: 'assistant', content: '' };
    message.content = pieces
      .filter((p) => p.kind === 'content')
      .map((p) => p.text)
      .join('');
    if (!thinkInContent && reply.reasoning) message[spec.reasoningField!] = reply.reasoning;
    const finishReason = reply.finishReason === undefined ? 'stop' : reply.finishReason;
    const usage = usageOf(job, pieces);
    sendJson(res, 200, {
      id: `chatcmpl-test-${++completionSeq}`,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message, finish_reason: finishReason }],
      ...(usage ? { usage } : {}),
    });
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent) errorReply(res, 'server', 500, `test server failure: ${String(error)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${shownHost}:${port}/v1`,
    port,
    dialect,
    script(entries) {
      const parsed = parseScript(entries);
      if ('error' in parsed) throw new Error(`invalid script: ${describeZodError(parsed.error)}`);
      queue.push(...parsed.entries);
    },
    requests: () => records.map((record) => ({ ...record })),
    peakRunning: () => peak,
    reset,
    setLoading(value) {
      loading = value;
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export type { Dialect } from './dialects.ts';
export { DIALECTS, OWNED_BY } from './dialects.ts';
export type { ScriptEntry, ScriptReply } from './script.ts';
