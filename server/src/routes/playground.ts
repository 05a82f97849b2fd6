import { PlaygroundRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';
import { parseWith } from '../http/errors.ts';
import { SseStream } from '../http/sse.ts';
import { type OpenedCompletion, PlaygroundService } from '../inference/playground.ts';

export interface PlaygroundOptions {
  /** Interval of SSE comment heartbeats while nothing else is written. */
  heartbeatMs?: number;
}

/** Relays a completion as SSE until it ends, the browser leaves, or the server shuts down. */
async function relay(completion: OpenedCompletion, sse: SseStream): Promise<void> {
  sse.event('start', completion.start);
  for await (const event of completion.events) {
    if (sse.closed) return;
    sse.event(event.type, event);
    if (event.type === 'done' || event.type === 'error') break;
    // Reading the upstream no faster than the browser reads keeps the server's buffers flat.
    if (sse.blocked) await sse.drained();
  }
  sse.end();
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
  const playground = new PlaygroundService(ctx.endpoints);
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
      const res = reply.raw;
      const upstream = new AbortController();
      const onClose = () => {
        if (!res.writableFinished) upstream.abort();
      };
      res.on('close', onClose);
      if (ctx.shutdown.aborted) upstream.abort();
      live.add(upstream);
      let completion: OpenedCompletion | null = null;
      try {
        completion = await playground.open(body, upstream.signal);
        reply.hijack();
        if (completion === null) {
          if (!res.destroyed) res.destroy();
          return reply;
        }
        await relay(completion, new SseStream(res, { heartbeatMs: options.heartbeatMs ?? 15_000 }));
        return reply;
      } finally {
        res.off('close', onClose);
        live.delete(upstream);
        await completion?.close();
      }
    });
  };
}
