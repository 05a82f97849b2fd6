import { ExperimentRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { toCsv, toJson, toMarkdown } from '../experiments/export.ts';
import { experimentServices } from '../experiments/services.ts';
import { authorOf } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';
import { streamJob } from '../http/job-stream.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** A file name for an export: the experiment's name, and "simulated" when its figures are. */
function fileName(name: string, simulated: boolean, extension: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `${base || 'experiment'}${simulated ? '-simulated' : ''}.${extension}`;
}

/** Experiments: scaffolds evaluated over task sets, with their report and exports. */
export function experimentRoutes(ctx: AppContext): FastifyPluginAsync {
  const services = experimentServices(ctx);
  const { experiments } = services;
  return async (app) => {
    app.post('/experiments', async (request, reply) => {
      const body = parseWith(ExperimentRequest, request.body);
      return reply.status(201).send(await experiments.create(body, { author: authorOf(request) }));
    });

    app.get('/experiments', async () => ({ experiments: await experiments.list() }));

    app.get('/experiments/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await experiments.found(id);
      return experiments.get(id);
    });

    app.get('/experiments/:id/items', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return { items: await experiments.items(id) };
    });

    app.post('/experiments/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return experiments.cancel(id);
    });

    app.post('/experiments/:id/rerun-errored', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return experiments.rerunErrored(id);
    });

    /**
     * SSE progress when the client accepts text/event-stream, else the progress as JSON: `progress` now, then
     * `item` and `progress` as items start and end, and `end` once the experiment is no longer being worked on
     * (finished, cancelled, stopped, server stopping).
     */
    app.get('/experiments/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await experiments.found(id);
      if (!String(request.headers.accept ?? '').includes('text/event-stream')) {
        return (await experiments.get(id))!.progress;
      }
      streamJob(reply, ctx.shutdown, {
        jobs: experiments,
        id,
        snapshot: async () => {
          const now = (await experiments.get(id))!;
          return { event: 'progress', payload: now.progress, status: now.status };
        },
        relay: (update, send) => {
          if (update.item) send('item', update.item);
          send('progress', update.progress);
        },
      });
      return reply;
    });

    app.get('/experiments/:id/report', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return services.report(id);
    });

    app.get('/experiments/:id/servers', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return experiments.samples(id);
    });

    app.get('/experiments/:id/export.csv', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const summary = await experiments.found(id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${fileName(summary.name, summary.simulated, 'csv')}"`,
        )
        .send(toCsv(summary, await services.repo.outcomes(id)));
    });

    app.get('/experiments/:id/export.json', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const summary = await experiments.found(id);
      return reply
        .header(
          'content-disposition',
          `attachment; filename="${fileName(summary.name, summary.simulated, 'json')}"`,
        )
        .send(toJson(summary, await services.repo.outcomes(id), await services.report(id)));
    });

    app.get('/experiments/:id/report.md', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const summary = await experiments.found(id);
      return reply
        .header('content-type', 'text/markdown; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${fileName(summary.name, summary.simulated, 'md')}"`,
        )
        .send(toMarkdown(summary, await services.report(id)));
    });
  };
}
