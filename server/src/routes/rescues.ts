import { RescueRequest } from '@trellis/shared';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { parseWith } from '../http/errors.ts';
import { SseStream } from '../http/sse.ts';
import type { RescueService, RescueUpdate } from '../replay/rescue.ts';
import { replayServices } from '../replay/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });
/**
 * A rescue's progress as server-sent events: `progress` now, then `pair` and `progress` as pairs start and end,
 * and `end` once the rescue is no longer being worked on (finished, cancelled, or the server stopping).
 */
function streamProgress(ctx: AppContext, rescues: RescueService, reply: FastifyReply, id: string): void {
  reply.hijack();
  const stream = new SseStream(reply.raw);
  let unsubscribe: (() => void) | null = null;
  const end = () => {
    if (stream.closed) return;
    const rescue = rescues.get(id)!;
    stream.event('progress', rescue.progress);
    stream.event('end', { status: rescue.status });
    stream.end();
  };
  const onUpdate = (update: RescueUpdate) => {
    if (update.pair) stream.event('pair', update.pair);
    stream.event('progress', update.progress);
    if (update.progress.status !== 'running') end();
  };
  const onShutdown = () => stream.close();
  ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
  stream.onClose(() => {
    unsubscribe?.();
    ctx.shutdown.removeEventListener('abort', onShutdown);
  });
  unsubscribe = rescues.follow(id, onUpdate);
  if (unsubscribe === null) {
    end();
    return;
  }
  stream.event('progress', rescues.get(id)!.progress);
  void rescues.settled(id).then(end);
}

/** Rescues: re-running a set of failed runs under one change. */
export function rescueRoutes(ctx: AppContext): FastifyPluginAsync {
  const { rescues } = replayServices(ctx);
  const found = (id: string) => {
    const rescue = rescues.get(id);
    if (!rescue) throw new DomainError('not_found', 'not_found', `rescue '${id}' does not exist`);
    return rescue;
  };
  return async (app) => {
    app.post('/rescues', async (request, reply) => {
      const body = parseWith(RescueRequest, request.body);
      return reply.status(201).send(rescues.create(body));
    });

    app.get('/rescues', async () => ({ rescues: rescues.list() }));

    app.get('/rescues/:id', async (request) => found(parseWith(IdParams, request.params, 'path').id));

    app.post('/rescues/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return rescues.cancel(id);
    });

    /** SSE progress when the client accepts text/event-stream, else the rescue as JSON. */
    app.get('/rescues/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const rescue = found(id);
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) return rescue.progress;
      streamProgress(ctx, rescues, reply, id);
      return reply;
    });
  };
}
