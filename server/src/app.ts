import fs from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';
import type { AppContext } from './context.ts';
import type { Environment } from './environments/types.ts';
import { installAccessToken } from './http/access-token.ts';
import { installAuth } from './http/auth.ts';
import { installErrorHandling } from './http/errors.ts';
import { appworldRoutes } from './routes/appworld.ts';
import { authRoutes } from './routes/auth.ts';
import { endpointRoutes } from './routes/endpoints.ts';
import { experimentRoutes } from './routes/experiments.ts';
import { graphRoutes } from './routes/graphs.ts';
import { optimisationRoutes } from './routes/optimisations.ts';
import { playgroundRoutes } from './routes/playground.ts';
import { replayRoutes } from './routes/replay.ts';
import { rescueRoutes } from './routes/rescues.ts';
import { runRoutes } from './routes/runs.ts';
import { searchRoutes } from './routes/searches.ts';
import { taskRoutes } from './routes/tasks.ts';
import { teamRoutes } from './routes/team.ts';
import { userRoutes } from './routes/users.ts';

export interface BuildOptions {
  logger?: boolean;
  /** Serves the built-in world on the AppWorld protocol under /appworld when given. */
  appworldEnvironment?: () => Environment;
}

/** Builds the Fastify app: one plugin per route group under /api, the web app at /. */
export async function buildApp(ctx: AppContext, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ? { level: 'info' } : false,
    bodyLimit: 8 * 1024 * 1024,
  });
  installErrorHandling(app);
  installAccessToken(app, ctx.config.accessToken);
  installAuth(app, ctx.accounts);

  app.get('/api/health', { config: { access: 'public' } }, async () => ({ status: 'ok' }));
  await app.register(authRoutes(ctx.accounts), { prefix: '/api' });
  if (ctx.accounts) await app.register(userRoutes(ctx.accounts), { prefix: '/api' });
  await app.register(endpointRoutes(ctx), { prefix: '/api' });
  await app.register(playgroundRoutes(ctx), { prefix: '/api' });
  await app.register(graphRoutes(ctx), { prefix: '/api' });
  await app.register(runRoutes(ctx), { prefix: '/api' });
  await app.register(replayRoutes(ctx), { prefix: '/api' });
  await app.register(rescueRoutes(ctx), { prefix: '/api' });
  await app.register(experimentRoutes(ctx), { prefix: '/api' });
  await app.register(searchRoutes(ctx), { prefix: '/api' });
  await app.register(optimisationRoutes(ctx), { prefix: '/api' });
  await app.register(taskRoutes(), { prefix: '/api' });
  await app.register(teamRoutes(ctx), { prefix: '/api' });
  if (options.appworldEnvironment) {
    await app.register(appworldRoutes(ctx, options.appworldEnvironment), { prefix: '/appworld' });
  }

  const dist = ctx.config.webDist;
  if (fs.existsSync(`${dist}/index.html`)) {
    await app.register(fastifyStatic, { root: dist, wildcard: false });
    // Client-side routes (/endpoints, /playground, …) all load the single page.
    app.get('/*', (request, reply) => {
      if (request.url.startsWith('/api/') || request.url.startsWith('/appworld/')) {
        return reply
          .status(404)
          .send({ error: { code: 'not_found', message: `no route GET ${request.url}` } });
      }
      return reply.sendFile('index.html');
    });
  }
  return app;
}
