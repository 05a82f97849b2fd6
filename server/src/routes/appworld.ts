import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import type { Environment } from '../environments/types.ts';

/**
 * The built-in world served on the AppWorld environment server's protocol, so AppWorld-style agents (and our own
 * remote client) can use it. Every response is `{"output": …}`; errors are HTTP 400 `{"detail": …}`.
 */
const TaskBody = z.object({ task_id: z.string().min(1).max(128) }).passthrough();
const InitializeBody = TaskBody.extend({
  experiment_name: z.string().max(200).optional(),
  max_interactions: z.number().int().positive().optional(),
  timeout_seconds: z.number().positive().optional(),
  random_seed: z.number().int().optional(),
});
const ExecuteBody = TaskBody.extend({ code: z.string() });
const EvaluateBody = TaskBody.extend({
  suppress_errors: z.boolean().optional(),
  report: z.boolean().optional(),
});

interface Open {
  env: Environment;
  interactions: number;
  maxInteractions: number | null;
  timeoutMs: number | undefined;
}

/** At most this many tasks open at once on the protocol routes; the oldest is closed beyond it. */
const MAX_OPEN = 256;

function fail(reply: FastifyReply, detail: string) {
  return reply.status(400).send({ detail });
}

export function appworldRoutes(ctx: AppContext, createEnvironment: () => Environment): FastifyPluginAsync {
  const open = new Map<string, Open>();

  const parse = <S extends z.ZodType>(schema: S, body: unknown): z.output<S> | string => {
    const result = schema.safeParse(body);
    if (result.success) return result.data;
    return result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
  };

  const closeTask = async (taskId: string) => {
    const entry = open.get(taskId);
    open.delete(taskId);
    await entry?.env.close().catch(() => undefined);
  };

  return async (app) => {
    app.addHook('onClose', async () => {
      await Promise.all([...open.keys()].map(closeTask));
    });

    app.post('/initialize', async (request, reply) => {
      const body = parse(InitializeBody, request.body);
      if (typeof body === 'string') return fail(reply, body);
      if (!ctx.tasks.get(body.task_id)) return fail(reply, `Unknown task_id: ${body.task_id}`);
      await closeTask(body.task_id);
      if (open.size >= MAX_OPEN) await closeTask(open.keys().next().value!);
      const env = createEnvironment();
      try {
        const start = await env.initialize(body.task_id);
        open.set(body.task_id, {
          env,
          interactions: 0,
          maxInteractions: body.max_interactions ?? null,
          timeoutMs: body.timeout_seconds ? body.timeout_seconds * 1000 : undefined,
        });
        return {
          output: {
            task_id: body.task_id,
            instruction: start.instruction,
            supervisor: start.supervisor,
            datetime: start.datetime,
          },
        };
      } catch (error) {
        await env.close().catch(() => undefined);
        return fail(reply, `Could not initialize task ${body.task_id}: ${(error as Error).message}`);
      }
    });

    app.post('/execute', async (request, reply) => {
      const body = parse(ExecuteBody, request.body);
      if (typeof body === 'string') return fail(reply, body);
      const entry = open.get(body.task_id);
      if (!entry) return fail(reply, `Task ${body.task_id} is not initialized; call /initialize first`);
      if (entry.maxInteractions !== null && entry.interactions >= entry.maxInteractions) {
        return fail(
          reply,
          `Task ${body.task_id} reached its maximum of ${entry.maxInteractions} interactions`,
        );
      }
      entry.interactions++;
      const result = await entry.env.execute(
        body.code,
        entry.timeoutMs ? { timeoutMs: entry.timeoutMs } : {},
      );
      return { output: result.observation };
    });

    app.post('/task_completed', async (request, reply) => {
      const body = parse(TaskBody, request.body);
      if (typeof body === 'string') return fail(reply, body);
      const entry = open.get(body.task_id);
      if (!entry) return fail(reply, `Task ${body.task_id} is not initialized; call /initialize first`);
      return { output: await entry.env.isCompleted() };
    });

    app.post('/evaluate', async (request, reply) => {
      const body = parse(EvaluateBody, request.body);
      if (typeof body === 'string') return fail(reply, body);
      const entry = open.get(body.task_id);
      if (!entry) return fail(reply, `Task ${body.task_id} is not initialized; call /initialize first`);
      const evaluation = await entry.env.evaluate();
      return {
        output: {
          success: evaluation.success,
          difficulty: evaluation.difficulty,
          num_tests: evaluation.numTests,
          passes: evaluation.passes,
          failures: evaluation.failures,
        },
      };
    });

    app.post('/close', async (request, reply) => {
      const body = parse(TaskBody, request.body);
      if (typeof body === 'string') return fail(reply, body);
      if (!open.has(body.task_id)) return fail(reply, `Task ${body.task_id} is not initialized`);
      await closeTask(body.task_id);
      return { output: null };
    });
  };
}
