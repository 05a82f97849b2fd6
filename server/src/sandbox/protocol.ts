import { z } from 'zod';

// Messages between the server and a worker process. What comes from the worker is parsed, never trusted:
// a worker runs agent code, and an escape would speak this protocol.

export type HostMessage =
  | { t: 'exec'; id: number; session: string; code: string }
  | { t: 'reply'; id: number; reply: string }
  | { t: 'interrupt'; id: number }
  | { t: 'drop'; session: string };

export const ChildMessage = z.discriminatedUnion('t', [
  z.object({
    t: z.literal('ready'),
    startMs: z.number(),
    phasesMs: z.record(z.string(), z.number()).optional(),
    rssMb: z.number(),
  }),
  z.object({ t: z.literal('api'), id: z.number().nullable(), request: z.string() }),
  z.object({ t: z.literal('done'), id: z.number(), result: z.string(), rssMb: z.number() }),
  z.object({ t: z.literal('memory'), rssMb: z.number() }),
  z.object({ t: z.literal('fatal'), message: z.string().max(10_000) }),
]);
export type ChildMessage = z.infer<typeof ChildMessage>;

/** What runtime.py's run() reports for one step. */
export const StepReport = z.object({
  status: z.enum(['ok', 'exception', 'api_error', 'syntax', 'interrupted']),
  output: z.string(),
  omitted: z.number().int().nonnegative(),
  trace: z.string().optional(),
  summary: z.string().optional(),
});
export type StepReport = z.infer<typeof StepReport>;

const Identifier = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'expected an identifier');

/** One `apis.<app>.<api>(**kwargs)` call as the agent's code sent it. */
export const ApiRequest = z.object({
  app: Identifier,
  api: Identifier,
  kwargs: z.record(z.string(), z.unknown()),
});
export type ApiRequest = z.infer<typeof ApiRequest>;
