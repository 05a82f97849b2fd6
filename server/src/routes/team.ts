import type { TeamStatus } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';

/** GET /api/team: where runs execute, and a team's members and queue. */
export function teamRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/team', async (): Promise<TeamStatus> => {
      const store = ctx.db.dialect;
      if (!ctx.team) return { execution: 'local', store, members: [], staleMs: null, queue: null };
      return { execution: 'workers', store, ...(await ctx.team.status()) };
    });
  };
}
