import { OptimiserRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { authorOf } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';
import { streamJob } from '../http/job-stream.ts';
import { toJsonl } from '../optimiser/rounds-export.ts';
import { optimiserService } from '../optimiser/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

function fileName(name: string, simulated: boolean): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${base || 'optimisation'}-rounds${simulated ? '-simulated' : ''}.jsonl`;
}

/** Scaffold optimisations: a meta-agent edits a graph round by round, scored on the dev split. */
export function optimisationRoutes(ctx: AppContext): FastifyPluginAsync {
  const optimiser = optimiserService(ctx);
  return async (app) => {
    app.post('/optimisations', async (request, reply) => {
      const body = parseWith(OptimiserRequest, request.body);
      return reply.status(201).send(await optimiser.create(body, authorOf(request)));
    });

    app.get('/optimisations', async () => ({ optimisations: await optimiser.list() }));

    app.get('/optimisations/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await optimiser.found(id);
      return optimiser.get(id);
    });

    app.post('/optimisations/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return optimiser.cancel(id);
    });

    /** The best round's graph made the head version of the optimised graph. */
    app.post('/optimisations/:id/save-best', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return reply.status(201).send(await optimiser.saveBest(id, authorOf(request)));
    });

    /** The best graph run once on the test split: only after the optimisation has ended. */
    app.post('/optimisations/:id/confirm', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return reply.status(201).send(await optimiser.confirm(id, authorOf(request)));
    });

    /** One JSON line per round (state, proposal, reward), to train a meta-agent offline. */
    app.get('/optimisations/:id/rounds.jsonl', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const optimisation = (await optimiser.get((await optimiser.found(id)).id))!;
      return reply
        .header('content-type', 'application/x-ndjson; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${fileName(optimisation.name, optimisation.simulated)}"`,
        )
        .send(toJsonl(await optimiser.roundLines(id)));
    });

    /**
     * The optimisation as server-sent events: `optimisation` now and on every change (a phase, a round started or
     * scored), `candidate` as rounds are stored and scored, then `end`.
     */
    app.get('/optimisations/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await optimiser.found(id);
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) return optimiser.get(id);
      streamJob(reply, ctx.shutdown, {
        jobs: optimiser,
        id,
        snapshot: async () => {
          const now = (await optimiser.get(id))!;
          return { event: 'optimisation', payload: now, status: now.status };
        },
        relay: (update, send) => {
          if (update.candidate) send('candidate', update.candidate);
          send('optimisation', update.optimisation);
        },
      });
      return reply;
    });
  };
}
