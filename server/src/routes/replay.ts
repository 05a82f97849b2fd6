import { CompareQuery, ForkRequest, ReplayRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { DomainError } from '../domain-errors.ts';
import { authorOf } from '../http/auth.ts';
import { parseWith } from '../http/errors.ts';
import { compareRuns } from '../replay/compare.ts';
import { replayServices } from '../replay/services.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** Replay, fork, lineage and compare: what can be done with a recorded run. */
export function replayRoutes(ctx: AppContext): FastifyPluginAsync {
  const services = replayServices(ctx);
  return async (app) => {
    /** Re-runs a recorded run with no model (answers from the record) and says where it differs, if anywhere. */
    app.post('/runs/:id/replay', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const body = parseWith(ReplayRequest, request.body ?? {});
      return services.replays.replay(id, body);
    });

    /** Starts a fork: the steps before `step` from the record, live from there with the change. */
    app.post('/runs/:id/forks', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const body = parseWith(ForkRequest, request.body);
      return reply.status(201).send(await services.forks.fork(id, body, { author: authorOf(request) }));
    });

    /** The run's own lineage and the whole tree of forks it belongs to. */
    app.get('/runs/:id/lineage', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const root = await services.lineage.tree(id);
      if (!(await ctx.runs.get(id)) || !root)
        throw new DomainError('not_found', 'not_found', `run '${id}' does not exist`);
      return { runId: id, lineage: await services.lineage.get(id), root };
    });

    /** Two runs of the same task aligned step by step. */
    app.get('/compare', async (request) => {
      const query = parseWith(CompareQuery, request.query, 'query');
      return compareRuns(ctx, query.left, query.right);
    });
  };
}
