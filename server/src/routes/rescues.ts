import { RescueRequest } from '@trellis/shared';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { parseWith } from '../http/errors.ts';
import type { RescueService, RescueUpdate } from '../replay/rescue.ts';
import { replayServices } from '../replay/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const HEARTBEAT_MS = 15_000;

const frame = (type: string, payload: unknown) => `event: ${type}\ndata: ${JSON.stringify(payload)}\n\n`;

/**
 * A rescue's progress as server-sent events: `progress` now, then `pair` and `progress` as pairs start and end,
 * and `end` once the rescue is no longer being worked on (finished, cancelled, or the server stopping).
 */
function streamProgress(ctx: AppContext, rescues: RescueService, reply: FastifyReply, id: string): void {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let closed = false;
  let unsubscribe: (() => void) | null = null;
  const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    ctx.shutdown.removeEventListener('abort', close);
    raw.end();
  };
  raw.on('close', close);
  ctx.shutdown.addEventListener('abort', close, { once: true });
  const end = () => {
    const rescue = rescues.get(id)!;
    raw.write(frame('progress', rescue.progress));
    raw.write(frame('end', { status: rescue.status }));
    close();
  };
  const onUpdate = (update: RescueUpdate) => {
    if (closed) return;
    if (update.pair) raw.write(frame('pair', update.pair));
    raw.write(frame('progress', update.progress));
    if (update.progress.status !== 'running') end();
  };
  unsubscribe = rescues.follow(id, onUpdate);
  if (unsubscribe === null) {
    end();
    return;
  }
  raw.write(frame('progress', rescues.get(id)!.progress));
  void rescues.settled(id).then(() => {
    if (!closed) end();
  });
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
