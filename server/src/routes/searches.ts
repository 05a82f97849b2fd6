import { SearchRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { authorOf } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';
import { streamJob } from '../http/job-stream.ts';
import { searchService } from '../search/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** Allocation searches: models and budgets across roles, chosen on the dev split. */
export function searchRoutes(ctx: AppContext): FastifyPluginAsync {
  const searches = searchService(ctx);
  return async (app) => {
    app.post('/searches', async (request, reply) => {
      const body = parseWith(SearchRequest, request.body);
      return reply.status(201).send(await searches.create(body, authorOf(request)));
    });

    app.get('/searches', async () => ({ searches: await searches.list() }));

    app.get('/searches/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await searches.found(id);
      return searches.get(id);
    });

    app.post('/searches/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return searches.cancel(id);
    });

    /** The best trial's graph saved as the searched graph's head version. */
    app.post('/searches/:id/save-best', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return reply.status(201).send(await searches.saveBest(id, authorOf(request)));
    });

    /** The chosen allocation run once on the test split: only after the search has ended. */
    app.post('/searches/:id/confirm', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return reply.status(201).send(await searches.confirm(id, authorOf(request)));
    });

    /** The search as server-sent events: `search` now and on every change, `trial` as trials start and end, `end`. */
    app.get('/searches/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await searches.found(id);
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) return searches.get(id);
      streamJob(reply, ctx.shutdown, {
        jobs: searches,
        id,
        snapshot: async () => {
          const now = (await searches.get(id))!;
          return { event: 'search', payload: now, status: now.status };
        },
        relay: (update, send) => {
          if (update.trial) send('trial', update.trial);
          send('search', update.search);
        },
      });
      return reply;
    });
  };
}
