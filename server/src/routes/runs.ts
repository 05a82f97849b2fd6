import { FINISHED_STATUSES, type RunEvent, RunListQuery, StartRunRequest } from '@trellis/shared';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { HttpError, notFound, parseWith } from '../http/errors.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });
const EventsQuery = z
  .object({
    after: z.coerce.number().int().min(0).optional(),
    /** JSON only: leave out deltas whose call has a recorded response. */
    compact: z.enum(['0', '1']).optional(),
  })
  .strict();

const HEARTBEAT_MS = 15_000;

function sseFrame(event: RunEvent): string {
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * Streams a run's events from any sequence number (`Last-Event-ID` or `?after=`), live or finished: the same
 * stream either way. Ends with an `end` event once the run has finished.
 */
function streamEvents(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  runId: string,
  after: number,
) {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': trellis run events\n\n');

  let closed = false;
  let unsubscribe: (() => void) | null = null;
  const heartbeat = setInterval(() => raw.write(': ping\n\n'), HEARTBEAT_MS);
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe?.();
    raw.end();
  };
  request.raw.on('close', close);
  ctx.shutdown.addEventListener('abort', close, { once: true });

  // Backpressure: queue frames while the socket is full, and drop the reader if it falls hopelessly behind.
  const pending: string[] = [];
  let draining = false;
  const send = (frame: string) => {
    if (closed) return;
    if (draining) {
      pending.push(frame);
      if (pending.length > 100_000) close();
      return;
    }
    if (!raw.write(frame)) {
      draining = true;
      raw.once('drain', () => {
        draining = false;
        const queued = pending.splice(0);
        for (const f of queued) send(f);
        if (finishedSent && pending.length === 0 && !draining) close();
      });
    }
  };
  let finishedSent = false;
  const end = (status: string) => {
    send(`event: end\ndata: ${JSON.stringify({ status })}\n\n`);
    finishedSent = true;
    if (!draining) close();
  };

  const onEvent = (event: RunEvent) => {
    send(sseFrame(event));
    if (event.type === 'run.finished') end(event.status);
  };
  unsubscribe = ctx.hub.follow(runId, after, onEvent);
  if (unsubscribe === null) {
    // Not in memory: the store has the whole trace.
    ctx.writer.flush();
    for (const event of ctx.runs.events(runId, after)) send(sseFrame(event));
    const run = ctx.runs.get(runId);
    end(run?.status ?? 'unknown');
  }
}

export function runRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.post('/runs', async (request, reply) => {
      const body = parseWith(StartRunRequest, request.body);
      const task = ctx.tasks.get(body.taskId);
      if (!task) throw notFound('task', body.taskId);
      let version = body.graphVersionId ? ctx.graphs.getVersion(body.graphVersionId) : null;
      if (body.graphVersionId && !version) throw notFound('graph version', body.graphVersionId);
      if (body.graph) version = ctx.graphs.save({ graph: body.graph, message: 'saved to run' });
      const run = ctx.manager.start({
        version: version!,
        taskId: body.taskId,
        difficulty: task.difficulty,
        endpointId: body.endpointId,
        model: body.model,
        overrides: body.overrides,
        seed: body.seed,
      });
      return reply.status(201).send(run);
    });

    app.get('/runs', async (request) => {
      const query = parseWith(RunListQuery, request.query, 'query');
      return ctx.runs.list(query);
    });

    app.get('/runs/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const run = ctx.runs.get(id);
      if (!run) throw notFound('run', id);
      return run;
    });

    app.post('/runs/:id/cancel', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const run = ctx.runs.get(id);
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
      ctx.writer.flush();
      const event = ctx.runs.event(params.id, params.seq);
      if (!event) throw notFound('event', `${params.id}#${params.seq}`);
      return event;
    });

    /** SSE when the client accepts text/event-stream, else the events as a JSON array. */
    app.get('/runs/:id/events', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const query = parseWith(EventsQuery, request.query, 'query');
      if (!ctx.runs.get(id)) throw notFound('run', id);
      const lastEventId = request.headers['last-event-id'];
      const fromHeader =
        typeof lastEventId === 'string' && /^\d+$/.test(lastEventId) ? Number(lastEventId) : undefined;
      const after = fromHeader ?? query.after ?? 0;
      if (String(request.headers.accept ?? '').includes('text/event-stream')) {
        streamEvents(ctx, request, reply, id, after);
        return reply;
      }
      ctx.writer.flush();
      const body = ctx.runs.eventsJsonBytes(id, after, query.compact === '1');
      return reply.type('application/json; charset=utf-8').send(body);
    });
  };
}
