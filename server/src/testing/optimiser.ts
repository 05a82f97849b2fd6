import type { ChatMessage } from '@trellis/shared';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.ts';
import type { Config } from '../config.ts';
import { type AppContext, createContext } from '../context.ts';
import { BuiltinHost } from '../environments/builtin.ts';
import type { AskMetaAgent } from '../optimiser/meta-agent.ts';
import { optimiserService } from '../optimiser/services.ts';
import { openStore } from '../store/db.ts';
import { builtinTasks } from '../world/index.ts';

/** A reply of the scripted meta-agent: its text, an Error to throw, or text written from the conversation. */
export type ScriptedReply = string | Error | ((messages: ChatMessage[]) => string | Promise<string>);

/** The meta-agent played from a script: replies in turn, every conversation it was sent kept. */
export class MetaAgentScript {
  private replies: ScriptedReply[] = [];
  readonly conversations: ChatMessage[][] = [];

  /** Replaces the replies still to come and forgets the conversations seen. */
  play(...replies: ScriptedReply[]): void {
    this.replies = [...replies];
    this.conversations.length = 0;
  }

  get left(): number {
    return this.replies.length;
  }

  readonly ask: AskMetaAgent = async (messages) => {
    this.conversations.push(messages.map((m) => ({ ...m })));
    const reply = this.replies.shift();
    if (reply === undefined) throw new Error('the script has no reply left');
    if (reply instanceof Error) throw reply;
    return typeof reply === 'function' ? reply(messages) : reply;
  };
}

export interface OptimiserApp {
  app: FastifyInstance;
  ctx: AppContext;
  endpointId: string;
  close(): Promise<void>;
}

/**
 * A Trellis app (built-in world, store in memory or in `dbFile`) whose optimiser asks `script` instead of a model:
 * the service is built with the scripted meta-agent before the routes, which then share it. The runs' endpoint is
 * `modelUrl` (the simulated model), registered once per store.
 */
export async function startOptimiserApp(options: {
  modelUrl: string;
  defaultModel: string;
  script: MetaAgentScript;
  dbFile?: string;
}): Promise<OptimiserApp> {
  const config: Config = {
    host: '127.0.0.1',
    port: 0,
    dataDir: ':memory:',
    accessToken: null,
    endpoints: [],
    discovery: false,
    webDist: '/nonexistent',
  };
  const db = await openStore(options.dbFile ?? ':memory:');
  const shutdown = new AbortController();
  const host = new BuiltinHost({ poolSize: 1 });
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
  });
  optimiserService(ctx, { ask: () => options.script.ask });
  const app = await buildApp(ctx);
  const endpoint =
    (await ctx.endpoints.list())[0] ??
    (await ctx.endpoints.create({
      name: 'simulated',
      baseUrl: options.modelUrl,
      kind: 'vllm',
      apiKey: null,
      defaultModel: options.defaultModel,
      defaultParams: {},
      timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
    }));
  return {
    app,
    ctx,
    endpointId: endpoint.id,
    async close() {
      const runsStopped = ctx.manager.shutdown();
      shutdown.abort();
      await runsStopped;
      await optimiserService(ctx).idle();
      await app.close();
      await host.close();
      await db.close();
    },
  };
}
