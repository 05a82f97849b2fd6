import { Graph, type GraphVersion, presets, SaveGraphVersionRequest, validateGraph } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { authorOf } from '../http/auth.ts';
import { HttpError, notFound, parseWith } from '../http/errors.ts';
import type { StoredVersion } from '../store/graphs.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

export function graphRoutes(ctx: AppContext): FastifyPluginAsync {
  const endpointIds = async () => new Set((await ctx.endpoints.list()).map((e) => e.id));
  const withIssues = (version: StoredVersion, ids: ReadonlySet<string>): GraphVersion => ({
    ...version,
    issues: validateGraph(version.graph, { endpointIds: ids }),
  });

  return async (app) => {
    app.get('/presets', async () => presets());

    /** Validates a graph without saving it; the canvas calls this as the user edits. */
    // A read: it checks a graph and stores nothing, so a viewer's canvas may ask too.
    app.post('/graphs/validate', { config: { access: 'signed-in' } }, async (request) => {
      const body = parseWith(
        z.object({ graph: Graph, endpointId: z.string().optional() }).strict(),
        request.body,
      );
      return {
        issues: validateGraph(body.graph, {
          endpointIds: await endpointIds(),
          runEndpointId: body.endpointId ?? null,
        }),
      };
    });

    app.get('/graphs', async () => ctx.graphs.list());

    app.post('/graphs/versions', async (request, reply) => {
      const body = parseWith(SaveGraphVersionRequest, request.body);
      if (body.graphId && !(await ctx.graphs.getGraph(body.graphId))) throw notFound('graph', body.graphId);
      if (body.parentId && !(await ctx.graphs.getVersion(body.parentId)))
        throw notFound('graph version', body.parentId);
      const version = await ctx.graphs.save({
        graph: body.graph,
        message: body.message,
        author: authorOf(request),
        ...(body.graphId ? { graphId: body.graphId } : {}),
        ...(body.parentId !== undefined ? { parentId: body.parentId } : {}),
      });
      return reply.status(201).send(withIssues(version, await endpointIds()));
    });

    app.get('/graphs/versions/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const version = await ctx.graphs.getVersion(id);
      if (!version) throw notFound('graph version', id);
      return withIssues(version, await endpointIds());
    });

    app.get('/graphs/:id/versions', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      if (!(await ctx.graphs.getGraph(id))) throw notFound('graph', id);
      const versions = await ctx.graphs.versions(id);
      const ids = await endpointIds();
      return versions.map((version) => withIssues(version, ids));
    });

    /** Makes an earlier version the head again. */
    app.post('/graphs/:id/restore', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const { versionId } = parseWith(
        z.object({ versionId: z.string().min(1).max(128) }).strict(),
        request.body,
      );
      const graph = await ctx.graphs.getGraph(id);
      if (!graph) throw notFound('graph', id);
      const version = await ctx.graphs.getVersion(versionId);
      if (!version) throw notFound('graph version', versionId);
      if (version.graphId !== id) {
        throw new HttpError(400, 'invalid_request', `version '${versionId}' belongs to another graph`);
      }
      await ctx.graphs.setHead(id, versionId);
      return withIssues(version, await endpointIds());
    });
  };
}
