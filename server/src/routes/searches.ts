import { SearchRequest } from '@trellis/shared';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { parseWith } from '../http/errors.ts';
import { SseStream } from '../http/sse.ts';
import type { SearchService, SearchUpdate } from '../search/service.ts';
import { searchService } from '../search/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** A search as server-sent events: `search` now and on every change, `trial` as trials start and end, `end`. */
function streamSearch(ctx: AppContext, searches: SearchService, reply: FastifyReply, id: string): void {
  reply.hijack();
  const stream = new SseStream(reply.raw);
  let unsubscribe: (() => void) | null = null;
  const end = () => {
    if (stream.closed) return;
    const search = searches.get(id)!;
    stream.event('search', search);
    stream.event('end', { status: search.status });
    stream.end();
  };
  const onUpdate = (update: SearchUpdate) => {
    if (update.trial) stream.event('trial', update.trial);
    stream.event('search', update.search);
  };
  const onShutdown = () => stream.close();
  ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
  stream.onClose(() => {
    unsubscribe?.();
    ctx.shutdown.removeEventListener('abort', onShutdown);
  });
  unsubscribe = searches.follow(id, onUpdate);
  if (unsubscribe === null) {
    end();
    return;
  }
  stream.event('search', searches.get(id)!);
  void searches.settled(id).then(end);
}

/** Allocation searches: models and budgets across roles, chosen on the dev split. */
export function searchRoutes(ctx: AppContext): FastifyPluginAsync {
  const searches = searchService(ctx);
  return async (app) => {
    app.post('/searches', async (request, reply) => {
      const body = parseWith(SearchRequest, request.body);
      return reply.status(201).send(searches.create(body));
    });

    app.get('/searches', async () => ({ searches: searches.list() }));

    app.get('/searches/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      searches.found(id);
      return searches.get(id);
    });

    app.post('/searches/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return searches.cancel(id);
    });

    /** The best trial's graph saved as the searched graph's head version. */
    app.post('/searches/:id/save-best', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return reply.status(201).send(searches.saveBest(id));
    });

    /** The chosen allocation run once on the test split: only after the search has ended. */
    app.post('/searches/:id/confirm', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return reply.status(201).send(searches.confirm(id));
    });

    app.get('/searches/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      searches.found(id);
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) return searches.get(id);
      streamSearch(ctx, searches, reply, id);
      return reply;
    });
  };
}
