import type { ServerResponse } from 'node:http';
import {
  type InferenceError,
  type InferenceEvent,
  type PlaygroundEvent,
  PlaygroundRequest,
  requestParams,
} from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';
import { HttpError, notFound, parseWith } from '../http/errors.ts';
import { type InferenceStream, streamChat } from '../inference/client.ts';

export interface PlaygroundOptions {
  /** Interval of SSE comment heartbeats while nothing else is written. */
  heartbeatMs?: number;
}

/**
 * Writes SSE text to a response. What one upstream read produces goes out as one socket write: the flush runs
 * on `process.nextTick`, after the promise chain that relays the read has settled but before the next socket
 * is served, so batching adds no wait. `blocked` tells the producer to wait for `drain` when the client reads
 * slower than the model writes.
 */
class SseWriter {
  private pending = '';
  private scheduled = false;
  private wroteSinceBeat = false;
  blocked = false;
  private readonly drainWaiters: (() => void)[] = [];

  constructor(private readonly res: ServerResponse) {
    res.on('drain', () => {
      this.blocked = false;
      for (const wake of this.drainWaiters.splice(0)) wake();
    });
    res.on('close', () => {
      for (const wake of this.drainWaiters.splice(0)) wake();
    });
  }

  write(text: string): void {
    this.pending += text;
    this.wroteSinceBeat = true;
    if (this.pending.length > 65_536) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(this.flush);
    }
  }

  event(event: PlaygroundEvent | InferenceEvent): void {
    this.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
  }

  readonly flush = (): void => {
    this.scheduled = false;
    if (this.pending === '' || this.res.destroyed) return;
    const text = this.pending;
    this.pending = '';
    if (!this.res.write(text)) this.blocked = true;
  };

  /** Sends a comment unless something else was written since the last heartbeat. */
  heartbeat(): void {
    if (!this.wroteSinceBeat) this.write(': ping\n\n');
    this.wroteSinceBeat = false;
  }

  drained(): Promise<void> {
    if (!this.blocked || this.res.destroyed) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  end(): void {
    if (this.res.destroyed) return;
    const text = this.pending;
    this.pending = '';
    this.res.end(text);
  }
}

function prefixed(error: InferenceError, endpointName: string): InferenceError {
  return { ...error, message: `endpoint '${endpointName}': ${error.message}` };
}

/** Relays the upstream stream (whose `start` was already read) as Playground SSE events. */
async function relay(
  stream: InferenceStream,
  res: ServerResponse,
  start: PlaygroundEvent,
  endpointName: string,
  heartbeatMs: number,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  });
  const writer = new SseWriter(res);
  writer.event(start);
  const heartbeat = setInterval(() => writer.heartbeat(), heartbeatMs);
  try {
    for (;;) {
      const next = await stream.next();
      if (next.done || res.destroyed) break;
      const event = next.value;
      switch (event.type) {
        case 'start':
          break;
        case 'done':
          writer.event({
            type: 'done',
            finishReason: event.finishReason,
            ttftMs: event.ttftMs,
            latencyMs: event.latencyMs,
            completionTokens: event.completionTokens,
          });
          writer.end();
          return;
        case 'error':
          writer.event({ type: 'error', error: prefixed(event.error, endpointName) });
          writer.end();
          return;
        default:
          writer.event(event);
      }
      if (writer.blocked) await writer.drained();
    }
    writer.end();
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * `POST /playground/stream`: one chat completion from a registered endpoint, relayed as SSE. A failure before
 * the upstream began streaming (refused, unknown model, wrong key…) is an HTTP 424 naming the endpoint and
 * the cause; after that it is an `error` event. The upstream request is aborted the moment the browser leaves.
 */
export function playgroundRoutes(
  ctx: Pick<AppContext, 'endpoints' | 'shutdown'>,
  options: PlaygroundOptions = {},
): FastifyPluginAsync {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  // One shutdown listener for all streams rather than one per stream.
  const live = new Set<AbortController>();
  return async (app) => {
    const onShutdown = () => {
      for (const controller of live) controller.abort();
    };
    ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
    app.addHook('onClose', async () => ctx.shutdown.removeEventListener('abort', onShutdown));

    app.post('/playground/stream', async (request, reply) => {
      const body = parseWith(PlaygroundRequest, request.body);
      const endpoint = ctx.endpoints.get(body.endpointId);
      if (!endpoint) throw notFound('endpoint', body.endpointId);
      const model = body.model ?? endpoint.defaultModel;
      if (!model) {
        throw new HttpError(
          400,
          'invalid_request',
          `no model: the request names none and endpoint '${endpoint.name}' has no default model`,
        );
      }
      const res = reply.raw;
      const upstream = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) upstream.abort();
      };
      res.on('close', onClose);
      if (ctx.shutdown.aborted) upstream.abort();
      live.add(upstream);
      const stream = streamChat({
        baseUrl: endpoint.baseUrl,
        apiKey: endpoint.apiKey,
        model,
        messages: body.messages,
        params: requestParams({ endpoint: endpoint.defaultParams, request: body.params }),
        timeouts: endpoint.timeouts,
        signal: upstream.signal,
      });
      try {
        const first = await stream.next();
        if (upstream.signal.aborted && (res.destroyed || ctx.shutdown.aborted)) {
          reply.hijack();
          if (!res.destroyed) res.destroy();
          return reply;
        }
        if (first.done || first.value.type !== 'start') {
          const error: InferenceError =
            !first.done && first.value.type === 'error'
              ? first.value.error
              : { code: 'malformed_stream', message: 'the stream ended before it began' };
          const named = prefixed(error, endpoint.name);
          const details = {
            ...(named.status !== undefined ? { status: named.status } : {}),
            ...(named.vendorType !== undefined ? { vendorType: named.vendorType } : {}),
          };
          return reply.status(424).send({
            error: {
              code: named.code,
              message: named.message,
              ...(Object.keys(details).length > 0 ? { details } : {}),
            },
          });
        }
        reply.hijack();
        await relay(
          stream,
          res,
          { type: 'start', model, endpointId: endpoint.id },
          endpoint.name,
          heartbeatMs,
        );
        return reply;
      } finally {
        res.off('close', onClose);
        live.delete(upstream);
        await stream.return(undefined);
      }
    });
  };
}
