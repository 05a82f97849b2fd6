import { DEFAULT_TIMEOUTS, EndpointInput, EndpointPatch, EndpointVerifyRequest } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { parseWith } from '../http/errors.ts';
import { verifyOrRefuse } from '../inference/endpoint-service.ts';
import { toPublic } from '../store/endpoints.ts';

const IdParams = z.object({ id: z.string().min(1).max(64) });

export function endpointRoutes(ctx: AppContext): FastifyPluginAsync {
  const registry = ctx.registry;
  return async (app) => {
    if (ctx.config.discovery) {
      void registry.scan().catch(() => undefined);
    }

    app.get('/endpoints', async () => (await ctx.endpoints.list()).map(toPublic));

    app.get('/endpoints/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return toPublic(await registry.get(id));
    });

    app.post('/endpoints', async (request, reply) => {
      const saved = await registry.register(parseWith(EndpointInput, request.body));
      return reply.status(201).send(saved);
    });

    app.patch('/endpoints/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return registry.edit(id, parseWith(EndpointPatch, request.body));
    });

    app.delete('/endpoints/:id', async (request, reply) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      await registry.remove(id);
      return reply.status(204).send();
    });

    app.get('/endpoints/:id/health', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      return registry.health(id);
    });

    /** Checks a server before it is saved: reachable, model served, key accepted; says what it could not check. */
    app.post('/endpoints/verify', async (request) => {
      const body = parseWith(EndpointVerifyRequest, request.body);
      const verification = await verifyOrRefuse({ ...body, timeoutMs: DEFAULT_TIMEOUTS.connectMs });
      return { ok: true, ...verification };
    });

    app.get('/discovery', async () => registry.discovered());

    app.post('/discovery/scan', async () => registry.scan());
  };
}
