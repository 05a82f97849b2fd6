import { WorldTaskFilter } from '@trellis/shared';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { notFound, parseWith } from '../http/errors.ts';
import { getTask, listSuites, listTasks } from '../world/index.ts';

const IdParams = z.object({ id: z.string().min(1).max(128) });

/** The built-in task suites and tasks, for the task browser. */
export function taskRoutes(): FastifyPluginAsync {
  return async (app) => {
    app.get('/tasks/suites', async () => listSuites());

    app.get('/tasks', async (request) => listTasks(parseWith(WorldTaskFilter, request.query, 'query')));

    app.get('/tasks/:id', async (request) => {
      const { id } = parseWith(IdParams, request.params, 'path');
      const task = getTask(id);
      if (!task) throw notFound('task', id);
      return task;
    });
  };
}
