import { FINISHED_STATUSES, RunListQuery, StartRunRequest } from '@trellis/shared';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { authorOf } from '../http/auth.ts';
import { HttpError, notFound, parseWith } from '../http/errors.ts';
import { SseStream } from '../http/sse.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const EventsQuery = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    /** JSON only: leave out deltas whose call has a recorded response. */
    compact: z.enum(['0', '1']).optional(),
  })
  .strict();

/**
 * Streams a run's events from any sequence number (`Last-Event-ID` or `?after=`), live or finished: the same
 * stream either way. Ends with an `end` event once the run has finished.
 */
function streamEvents(ctx: AppContext, reply: FastifyReply, runId: string, after: number): void {
  reply.hijack();
  const stream = new SseStream(reply.raw);
  stream.write(': trellis run events\n\n');
  const stop = ctx.events.follow(runId, after, {
    event: (event) => stream.event(event.type, event, event.seq),
    end: (status) => {
      stream.event('end', { status });
      stream.end();
    },
    fail: (error) => {
      // The reader reconnects with Last-Event-ID and is served from where it was.
      console.warn(`trellis: streaming the events of run ${runId} failed: ${error.message}`);
      stream.close();
    },
  });
  const onShutdown = () => stream.close();
  ctx.shutdown.addEventListener('abort', onShutdown, { once: true });
  stream.onClose(() => {
    stop();
    ctx.shutdown.removeEventListener('abort', onShutdown);
  });
}

export function runRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/runs', async (request, reply) => {
      const body = parseWith(StartRunRequest, request.body);
      const task = ctx.tasks.get(body.taskId);
      if (!task) throw notFound('task', body.taskId);
      let version = body.graphVersionId ? await ctx.graphs.getVersion(body.graphVersionId) : null;
      if (body.graphVersionId && !version) throw notFound('graph version', body.graphVersionId);
      if (body.graph) {
        version = await ctx.graphs.save({
          graph: body.graph,
          message: 'saved to run',
          author: authorOf(request),
        });
      }
      const run = await ctx.manager.start({
        version: version!,
        taskId: body.taskId,
        difficulty: task.difficulty,
        endpointId: body.endpointId,
        model: body.model,
        overrides: body.overrides,
        seed: body.seed,
        author: authorOf(request),
      });
      return reply.status(201).send(run);
    });

    app.get('/runs', async (request) => {
      const query = parseWith(RunListQuery, request.query, 'query');
      return ctx.runs.list(query);
    });

    app.get('/runs/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const run = await ctx.runs.get(id);
      if (!run) throw notFound('run', id);
      return run;
    });

    app.post('/runs/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const run = await ctx.runs.get(id);
      if (!run) throw notFound('run', id);
      if (FINISHED_STATUSES.includes(run.status) || !ctx.manager.cancel(id)) {
        throw new HttpError(409, 'not_running', `run '${id}' is not running (status: ${run.status})`);
      }
      return { id, cancelling: true };
    });

    /** One event in full (a compact snapshot leaves request messages out). */
    app.get('/runs/:id/events/:seq', async (request) => {
      const params = parseWith(
        z.object({ id: z.string().min(1).max(128), seq: z.coerce.number().int().positive() }),
        request.params,
        'path',
      );
      const event = await ctx.events.event(params.id, params.seq);
      if (!event) throw notFound('event', `${params.id}#${params.seq}`);
      return event;
    });

    /** SSE when the client accepts text/event-stream, else the events as a JSON array. */
    app.get('/runs/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const query = parseWith(EventsQuery, request.query, 'query');
      if (!(await ctx.runs.get(id))) throw notFound('run', id);
      const lastEventId = request.headers['last-event-id'];
      const fromHeader =
        typeof lastEventId === 'string' && /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined;
      const after = fromHeader ?? query.after ?? 0;
      if (String(request.headers.accept ?? '').includes('text/event-stream')) {
        streamEvents(ctx, reply, id, after);
        return reply;
      }
      const body = await ctx.events.snapshot(id, after, query.compact === '1');
      return reply.type('application/json; charset=utf-8').send(body);
    });
  };
}
