import type { ChatMessage } from '@trellis/shared';
import {
  type Graph,
  type GraphNode,
  type PresetId,
  preset,
  type RunDetail,
  type RunEvent,
  type RunEventOf,
  type RunEventType,
} from '@trellis/shared';
import type { Config } from '../config.ts';
import type { ScriptEntry } from '../testserver/script.ts';
import { type RecordedRequest, startTestServer, type TestServer } from '../testserver/server.ts';
import { type SimulatedOptions, startSimulatedServer } from '../testserver/simulated/index.ts';
import { getTask } from '../world/index.ts';
import { createTestApp, type TestApp } from './app.ts';

export const SYSTEM_MARKERS = {
  agent: 'You are an agent',
  summarizer: 'You compress',
  corrector: 'You review one block',
} as const;

/** A chat request the scripted server received, with its messages. */
export interface SeenRequest {
  role: 'agent' | 'summarizer' | 'corrector' | 'unknown';
  messages: ChatMessage[];
  record: RecordedRequest;
}

/**
 * Drives the engine end to end: a Trellis app (in-memory store, built-in world, real sandbox) whose endpoint is
 * the scripted test server, reached over real HTTP.
 */
export class TestRun {
  private constructor(
    readonly t: TestApp,
    readonly server: TestServer,
    readonly endpointId: string,
  ) {}

  /**
   * With `simulated`, the endpoint is the simulated model (its first preset the default model). `config` is read
   * when the app starts, so it can name what other hooks started before it (a collector's URL).
   */
  static async start(
    options: {
      paceMs?: number;
      dialect?: 'vllm' | 'sglang' | 'llamacpp';
      simulated?: SimulatedOptions;
      config?: () => Partial<Config>;
    } = {},
  ): Promise<TestRun> {
    const dialect = options.dialect ?? 'vllm';
    const server = options.simulated
      ? await startSimulatedServer({ ...options.simulated, dialect })
      : await startTestServer({
          dialect,
          models: ['qwen3-8b'],
          ...(options.paceMs ? { paceMs: options.paceMs } : {}),
        });
    const t = await createTestApp(options.config?.() ?? {});
    const endpoint = await t.ctx.endpoints.create({
      name: 'scripted',
      baseUrl: server.url,
      kind: 'vllm',
      apiKey: null,
      defaultModel: options.simulated?.presets[0]?.model ?? 'qwen3-8b',
      defaultParams: {},
      timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
    });
    return new TestRun(t, server, endpoint.id);
  }

  /** Scripted replies by role, consumed in order. */
  script(role: keyof typeof SYSTEM_MARKERS, ...replies: (string | ScriptEntry['reply'])[]): void {
    this.server.script(
      replies.map((reply) => ({
        match: { system: SYSTEM_MARKERS[role] },
        reply: typeof reply === 'string' ? { content: reply } : reply,
      })),
    );
  }

  graph(id: PresetId, edit?: (nodes: Map<string, GraphNode>, graph: Graph) => void): Graph {
    const graph = JSON.parse(JSON.stringify(preset(id).graph)) as Graph;
    edit?.(new Map(graph.nodes.map((n) => [n.id, n])), graph);
    return graph;
  }

  async run(graph: Graph, taskId: string, extra: Record<string, unknown> = {}): Promise<RunDetail> {
    const res = await this.t.app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { graph, taskId, endpointId: this.endpointId, ...extra },
    });
    if (res.statusCode !== 201) throw new Error(`run not started: ${res.statusCode} ${res.body}`);
    return res.json() as RunDetail;
  }

  async finished(runId: string, timeoutMs = 60_000): Promise<RunDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = (await this.t.ctx.runs.get(runId))!;
      if (!['queued', 'running'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async events(runId: string): Promise<RunEvent[]> {
    await this.t.ctx.writer.flush();
    return this.t.ctx.runs.events(runId);
  }

  async eventsOf<T extends RunEventType>(runId: string, type: T): Promise<RunEventOf<T>[]> {
    return (await this.events(runId)).filter((e): e is RunEventOf<T> => e.type === type);
  }

  requests(): SeenRequest[] {
    return this.server
      .requests()
      .filter((r) => r.path.endsWith('/chat/completions'))
      .map((record) => {
        const messages = ((record.body as { messages?: ChatMessage[] }).messages ?? []) as ChatMessage[];
        const system = messages.find((m) => m.role === 'system')?.content ?? '';
        const role = (Object.entries(SYSTEM_MARKERS).find(([, marker]) => system.includes(marker))?.[0] ??
          'unknown') as SeenRequest['role'];
        return { role, messages, record };
      });
  }

  async close(): Promise<void> {
    await this.t.close();
    await this.server.close();
  }
}

export function task(id: string) {
  const found = getTask(id);
  if (!found) throw new Error(`no task ${id}`);
  return found;
}

export function pythonBlock(code: string, preface = 'I will do this next.'): string {
  return `${preface}\n\`\`\`python\n${code}\n\`\`\``;
}
