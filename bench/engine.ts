/**
 * Engine overhead per node invocation, with an instant in-process model and an instant environment, side by side
 * with the same four-role loop written in LangGraph JS, in one process. Trellis is timed twice: the engine alone
 * (events kept in an array), and as the server runs it (`RunManager` from the server's own context: every event
 * through the batched `EventWriter` into a SQLite file, the live hub and the run's row). Also: trace ingest rate
 * (batched SQLite writes) and the time to fetch all events of a 5,000-event run. Temporary databases live in one
 * directory that is removed at the end, also when a measurement fails or the run is interrupted.
 *
 *   node --import tsx bench/engine.ts [--storage-only]        (pnpm bench:engine)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Annotation, END, MemorySaver, START, StateGraph } from '@langchain/langgraph';
import { type AppContext, createContext } from '../server/src/context.ts';
import { runGraph } from '../server/src/engine/engine.ts';
import type { ChatModel, ModelRequest } from '../server/src/engine/model.ts';
import type { Environment, ExecutionResult } from '../server/src/environments/types.ts';
import { openStore } from '../server/src/store/db.ts';
import { EventWriter } from '../server/src/store/event-writer.ts';
import { GraphRepo, type StoredVersion } from '../server/src/store/graphs.ts';
import { RunRepo } from '../server/src/store/runs.ts';
import {
  DEFAULT_TIMEOUTS,
  type Graph,
  type InferenceEvent,
  preset,
  type RunEvent,
  type RunEventBody,
} from '../shared/src/index.ts';

const STEPS = 200;
const NODES_PER_STEP = 4;
const ROUNDS = 7;

const REPLY = 'I will list the notes.\n```python\nprint(apis.notes.search_notes(access_token=t))\n```';

/** Answers every request at once with the same reply, usage and a done event. */
async function* instantStream(): AsyncGenerator<InferenceEvent> {
  yield { type: 'start', at: 0 };
  yield { type: 'delta', text: REPLY };
  yield { type: 'usage', usage: { promptTokens: 100, completionTokens: 20, totalTokens: 120 } };
  yield { type: 'done', finishReason: 'stop', ttftMs: 0, latencyMs: 0, completionTokens: 20 };
}

const instantModel: ChatModel = {
  resolve: () => ({
    endpointId: 'bench',
    model: 'instant',
    endpoint: { id: 'bench', name: 'instant', baseUrl: 'inproc://', kind: 'other' },
    defaultParams: {},
  }),
  stream: (_request: ModelRequest) => instantStream(),
};

const OK: ExecutionResult = { observation: '[]', ok: true, error: null, apiCalls: [], durationMs: 0 };

function instantEnvironment(): Environment {
  return {
    initialize: async (taskId) => ({
      taskId,
      instruction: 'Pin my note titled "Groceries".',
      supervisor: { first_name: 'Ann', last_name: 'Lee', email: 'ann@example.com', phone_number: '555' },
      datetime: '2026-01-01T09:00:00',
      difficulty: 1,
    }),
    execute: async () => OK,
    isCompleted: async () => false,
    evaluate: async () => ({ success: false, difficulty: 1, numTests: 1, passes: [], failures: [] }),
    appDescriptions: async () => '- notes: notes app',
    apiDocs: async () => 'notes.search_notes: …',
    close: async () => undefined,
  };
}

/** Every role does its work every step: summarizer every turn, corrector always. */
function benchGraph(): Graph {
  const graph = JSON.parse(JSON.stringify(preset('three-roles').graph)) as Graph;
  graph.limits.maxSteps = STEPS;
  for (const node of graph.nodes) {
    if (node.kind === 'summarizer') node.config.trigger = { type: 'turns', every: 1 };
    if (node.kind === 'summarizer') node.config.keepLastTurns = 1;
    if (node.kind === 'corrector') node.config.trigger = 'always';
  }
  return graph;
}

/** The engine alone: events are kept in an array, nothing is stored. */
async function trellisEngineRun(): Promise<{ ms: number; events: number }> {
  const events: RunEventBody[] = [];
  const start = performance.now();
  const outcome = await runGraph(
    { graph: benchGraph(), graphVersionId: 'bench', taskId: 'bench_1', seed: 1 },
    {
      model: instantModel,
      env: instantEnvironment(),
      emit: (event) => events.push(event),
      signal: new AbortController().signal,
    },
  );
  const ms = performance.now() - start;
  if (outcome.totals.steps !== STEPS)
    throw new Error(`engine ran ${outcome.totals.steps} steps: ${outcome.error}`);
  return { ms, events: events.length };
}

/** Trellis as the server runs it: a context built like the server's, over a SQLite file, with this model. */
interface ProductRig {
  ctx: AppContext;
  version: StoredVersion;
  endpointId: string;
  /** Milliseconds spent inside the store's batched event inserts since the rig was made. */
  writeMs: () => number;
  close(): Promise<void>;
}

async function productRig(dbFile: string): Promise<ProductRig> {
  const db = await openStore(dbFile);
  const shutdown = new AbortController();
  const ctx = createContext(
    {
      host: '127.0.0.1',
      port: 0,
      dataDir: path.dirname(dbFile),
      accessToken: null,
      endpoints: [],
      discovery: false,
      webDist: '/nonexistent',
    },
    db,
    shutdown.signal,
    { tasks: { get: () => null }, environment: instantEnvironment, model: () => instantModel },
  );
  const endpoint = await ctx.endpoints.create({
    name: 'instant',
    baseUrl: 'http://127.0.0.1:9/v1',
    kind: 'other',
    apiKey: null,
    defaultModel: 'instant',
    defaultParams: {},
    timeouts: DEFAULT_TIMEOUTS,
  });
  const version = await ctx.graphs.save({ graph: benchGraph(), message: 'bench' });
  let writeMs = 0;
  const append = ctx.runs.appendEvents.bind(ctx.runs);
  ctx.runs.appendEvents = async (events) => {
    const start = performance.now();
    try {
      await append(events);
    } finally {
      writeMs += performance.now() - start;
    }
  };
  return {
    ctx,
    version,
    endpointId: endpoint.id,
    writeMs: () => writeMs,
    async close() {
      await ctx.manager.shutdown();
      shutdown.abort();
      await db.close();
    },
  };
}

/** One run started and awaited the way `POST /api/runs` does it, its trace checked in the store. */
async function trellisProductRun(rig: ProductRig): Promise<{ ms: number; events: number; writeMs: number }> {
  const { ctx } = rig;
  const writeBefore = rig.writeMs();
  const start = performance.now();
  const run = await ctx.manager.start({
    version: rig.version,
    taskId: 'bench_1',
    difficulty: 1,
    endpointId: rig.endpointId,
    overrides: {},
    seed: 1,
  });
  await ctx.manager.idle();
  const ms = performance.now() - start;
  const stored = await ctx.runs.get(run.id);
  if (stored?.steps !== STEPS || stored.status === 'errored') {
    throw new Error(`the stored run has ${stored?.steps} steps, status ${stored?.status}: ${stored?.error}`);
  }
  return { ms, events: stored.eventCount, writeMs: rig.writeMs() - writeBefore };
}

let threads = 0;

/** The same loop in LangGraph: four nodes, each calling the same instant model (executor: the environment). */
async function langgraphRun(checkpointer: MemorySaver | null): Promise<{ ms: number }> {
  const env = instantEnvironment();
  await env.initialize('bench_1');
  const State = Annotation.Root({
    turns: Annotation<{ reply: string; observation: string }[]>({
      reducer: (a, b) => a.concat(b),
      default: () => [],
    }),
    summary: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
    reply: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
    code: Annotation<string>({ reducer: (_a, b) => b, default: () => '' }),
    step: Annotation<number>({ reducer: (_a, b) => b, default: () => 0 }),
  });
  const call = async (messages: { role: string; content: string }[]) => {
    let text = '';
    for await (const event of instantModel.stream({
      endpointId: 'bench',
      model: 'instant',
      messages: messages as ModelRequest['messages'],
      params: {},
      signal: new AbortController().signal,
    })) {
      if (event.type === 'delta') text += event.text;
    }
    return text;
  };
  const graph = new StateGraph(State)
    .addNode('summarizer', async (s) => ({
      summary: await call([
        { role: 'system', content: 'You compress' },
        { role: 'user', content: s.turns.map((t) => t.reply + t.observation).join('\n') },
      ]),
    }))
    .addNode('agent', async (s) => {
      const reply = await call([
        { role: 'system', content: 'You are an agent' },
        { role: 'user', content: s.summary },
        ...s.turns.slice(-1).flatMap((t) => [
          { role: 'assistant', content: t.reply },
          { role: 'user', content: t.observation },
        ]),
      ]);
      return { reply, code: /```python\n([\s\S]*?)```/.exec(reply)?.[1] ?? '' };
    })
    .addNode('corrector', async (s) => {
      await call([
        { role: 'system', content: 'You review one block' },
        { role: 'user', content: s.code },
      ]);
      return {};
    })
    .addNode('executor', async (s) => {
      const result = await env.execute(s.code);
      return { turns: [{ reply: s.reply, observation: result.observation }], step: s.step + 1 };
    })
    .addEdge(START, 'summarizer')
    .addEdge('summarizer', 'agent')
    .addEdge('agent', 'corrector')
    .addEdge('corrector', 'executor')
    .addConditionalEdges('executor', (s) => (s.step >= STEPS ? END : 'summarizer'))
    .compile(checkpointer ? { checkpointer } : {});
  const start = performance.now();
  const final = await graph.invoke(
    {},
    { recursionLimit: STEPS * NODES_PER_STEP + 10, configurable: { thread_id: `bench_${++threads}` } },
  );
  const ms = performance.now() - start;
  if (final.step !== STEPS) throw new Error(`langgraph ran ${final.step} steps`);
  return { ms };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

type Contender =
  | 'Trellis, engine alone'
  | 'Trellis, as the server runs it'
  | 'LangGraph JS'
  | 'LangGraph JS, MemorySaver';

async function engineOverhead(dir: string) {
  const rig = await productRig(path.join(dir, 'runs.db'));
  try {
    const contenders: Record<Contender, () => Promise<{ ms: number; events?: number; writeMs?: number }>> = {
      'Trellis, engine alone': trellisEngineRun,
      'Trellis, as the server runs it': () => trellisProductRun(rig),
      'LangGraph JS': () => langgraphRun(null),
      'LangGraph JS, MemorySaver': () => langgraphRun(new MemorySaver()),
    };
    const names = Object.keys(contenders) as Contender[];
    for (const name of names) await contenders[name]();
    const times = new Map<Contender, number[]>(names.map((name) => [name, []]));
    const writes: number[] = [];
    let events = 0;
    // Interleaved, the order rotating each round, so every contender sees the same machine load.
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        // A run with an instant model never yields to the event loop; yielding between runs lets an interrupt
        // (and its clean-up) through.
        await new Promise((resolve) => setImmediate(resolve));
        const result = await contenders[name]();
        times.get(name)!.push(result.ms);
        if (result.writeMs !== undefined) writes.push(result.writeMs);
        if (result.events !== undefined) events = result.events;
      }
    }
    const invocations = STEPS * NODES_PER_STEP;
    const perNode = (name: Contender) => (median(times.get(name)!) * 1000) / invocations;
    const langgraph = perNode('LangGraph JS');
    console.log(
      `\nEngine overhead per node invocation (${STEPS} steps × ${NODES_PER_STEP} nodes, ${events} events a run, ` +
        `median of ${ROUNDS} interleaved rounds; ratio against LangGraph JS without a checkpointer)`,
    );
    console.table(
      names.map((name) => ({
        engine: name,
        'µs / node': perNode(name).toFixed(1),
        'ratio to LangGraph JS': (perNode(name) / langgraph).toFixed(3),
        'each round, ms a run': times
          .get(name)!
          .map((ms) => ms.toFixed(0))
          .join(' '),
      })),
    );
    console.log(
      `Of a run as the server runs it, inside the store's batched inserts: ${median(writes).toFixed(1)} ms ` +
        `(median; each round ${writes.map((ms) => ms.toFixed(1)).join(' ')})`,
    );
  } finally {
    await rig.close();
  }
}

function syntheticEvents(runId: string, count: number): RunEvent[] {
  const events: RunEvent[] = [];
  for (let seq = 1; seq <= count; seq++) {
    const step = Math.ceil(seq / 25);
    const body: RunEventBody =
      seq % 5 === 0
        ? {
            type: 'action.executed',
            step,
            nodeId: 'executor',
            code: 'print(apis.notes.search_notes(access_token=t, page_index=0))',
            observation: JSON.stringify([{ note_id: seq, title: 'Groceries', tags: ['home'] }]),
            ok: true,
            error: null,
            apiCalls: [{ app: 'notes', api: 'search_notes', status: 200, durationMs: 1 }],
            durationMs: 2,
            completed: false,
          }
        : {
            type: 'llm.delta',
            step,
            nodeId: 'agent',
            callId: `c${step}`,
            text: 'some streamed text ',
            reasoning: '',
          };
    events.push({ ...body, runId, seq, at: Date.now() } as RunEvent);
  }
  return events;
}

async function storage(dir: string) {
  const rows = [];
  for (const [label, file] of [
    ['in-memory SQLite', ':memory:'],
    ['SQLite file (WAL)', path.join(dir, 'storage.db')],
  ] as const) {
    const database = await openStore(file);
    const runs = new RunRepo(database);
    const graphs = new GraphRepo(database);
    const version = await graphs.save({ graph: preset('three-roles').graph, message: '' });
    const total = 200_000;
    const writer = new EventWriter(runs, 50, 2000);
    const runIds = Array.from({ length: 20 }, (_, i) => `run_ingest_${i}`);
    for (const id of runIds) {
      await runs.create({
        id,
        graphVersionId: version.id,
        graphId: version.graphId,
        graphName: 'b',
        taskId: 't',
        difficulty: 1,
        seed: 1,
        request: {},
      });
    }
    const perRun = total / runIds.length;
    const batches = runIds.map((id) => syntheticEvents(id, perRun));
    const start = performance.now();
    for (let i = 0; i < perRun; i++) for (const batch of batches) writer.write(batch[i]!);
    await writer.flush();
    const ingestMs = performance.now() - start;

    await runs.create({
      id: 'run_5k',
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: 'b',
      taskId: 't',
      difficulty: 1,
      seed: 1,
      request: {},
    });
    await runs.appendEvents(syntheticEvents('run_5k', 5000));
    const fetchTimes: number[] = [];
    const parseTimes: number[] = [];
    for (let i = 0; i < 21; i++) {
      let s = performance.now();
      const json = await runs.eventsJson('run_5k');
      fetchTimes.push(performance.now() - s);
      if (json.length < 100) throw new Error('no events');
      s = performance.now();
      await runs.events('run_5k');
      parseTimes.push(performance.now() - s);
    }
    rows.push({
      store: label,
      'ingest events/s': Math.round(total / (ingestMs / 1000)).toLocaleString('en-US'),
      'fetch 5,000 events as JSON (median ms)': median(fetchTimes).toFixed(1),
      'fetch + parse 5,000 events (median ms)': median(parseTimes).toFixed(1),
    });
    await database.close();
  }
  console.log('\nTrace storage (200,000 events over 20 runs, batched writer; 5,000-event run read 21 times)');
  console.table(rows);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-engine-'));
const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeDir();
    process.exit(130);
  });
}
try {
  console.log(
    `Engine and trace storage on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}, ` +
      `load average ${os
        .loadavg()
        .map((v) => v.toFixed(2))
        .join(' / ')} at the start`,
  );
  if (!process.argv.includes('--storage-only')) await engineOverhead(dir);
  await storage(dir);
} finally {
  removeDir();
}
