import { RescueRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { authorOf } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';
import { streamJob } from '../http/job-stream.ts';
import { replayServices } from '../replay/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** Rescues: re-running a set of failed runs under one change. */
export function rescueRoutes(ctx: AppContext): FastifyPluginAsync {
  const { rescues } = replayServices(ctx);
  const found = async (id: string) => {
    const rescue = await rescues.get(id);
    if (!rescue) throw new DomainError('not_found', 'not_found', `rescue '${id}' does not exist`);
    return rescue;
  };
  return async (app) => {
    app.post('/rescues', async (request, reply) => {
      const body = parseWith(RescueRequest, request.body);
      return reply.status(201).send(await rescues.create(body, authorOf(request)));
    });

    app.get('/rescues', async () => ({ rescues: await rescues.list() }));

    app.get('/rescues/:id', async (request) => found(parseWith(IdParams, request.params, 'path').id));

    app.post('/rescues/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return rescues.cancel(id);
    });

    /**
     * SSE progress when the client accepts text/event-stream, else the progress as JSON: `progress` now, then
     * `pair` and `progress` as pairs start and end, and `end` once the rescue is no longer being worked on
     * (finished, cancelled, or the server stopping).
     */
    app.get('/rescues/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const rescue = await found(id);
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) return rescue.progress;
      streamJob(reply, ctx.shutdown, {
        jobs: rescues,
        id,
        snapshot: async () => {
          const now = (await rescues.get(id))!;
          return { event: 'progress', payload: now.progress, status: now.status };
        },
        relay: (update, send) => {
          if (update.pair) send('pair', update.pair);
          send('progress', update.progress);
        },
        endsOn: (update) => update.progress.status !== 'running',
      });
      return reply;
    });
  };
}
