/**
 * The three-roles ablation against the simulated small model: task goal completion (TGC) by difficulty for the
 * four presets on the built-in world's test split, through the real engine, sandbox and world, with the model
 * reached over HTTP by the real inference client. With --modes, also each failure mode alone (the other mistakes
 * at rate 0) against the four presets. Simulated results, not a model's: the simulator reproduces the shape of
 * the paper's ablation, not its numbers (docs/simulated-model.md).
 *
 *   node --import tsx bench/simulated-ablation.ts [--seed 7] [--model small] [--split test] [--concurrency 4]
 *        [--graphs react-baseline,summarizer-only,corrector-only,three-roles] [--tasks id,id] [--rate name=v]…
 *        [--modes]                                                  (pnpm bench:simulated)
 */
import { parseArgs } from 'node:util';
import { runGraph } from '../server/src/engine/engine.ts';
import type { ChatModel, ModelRequest } from '../server/src/engine/model.ts';
import { BuiltinHost } from '../server/src/environments/builtin.ts';
import { streamChat } from '../server/src/inference/client.ts';
import { labelHeaders } from '../server/src/inference/labels.ts';
import {
  parseRates,
  presetsByName,
  SimulatedConfigError,
  type SimulatedPreset,
  type SimulatedRates,
  startSimulatedServer,
  withRates,
} from '../server/src/testserver/simulated/index.ts';
import { listTasks } from '../server/src/world/index.ts';
import {
  DEFAULT_TIMEOUTS,
  PRESET_IDS,
  type PresetId,
  preset,
  type RunEventBody,
  type WorldSplit,
  type WorldTaskSummary,
} from '../shared/src/index.ts';

/** What one run showed: its outcome and the failure modes met on the way. */
interface Outcome {
  graph: PresetId;
  difficulty: number;
  success: boolean;
  steps: number;
  tokens: number;
  modes: Set<Mode>;
}

const MODES = ['credential', 'misuse', 'stuck', 'no_code', 'wrong_completion', 'step_limit'] as const;
type Mode = (typeof MODES)[number];
const MODE_LABELS: Record<Mode, string> = {
  credential: 'a guessed credential refused (artifact loss)',
  misuse: 'an API misused',
  stuck: 'the same failing code three times in a row',
  no_code: 'a reply without code',
  wrong_completion: 'completed with a wrong result',
  step_limit: 'ran out of steps',
};

/** The failure modes with the rates that turn each on alone (the agent's and roles' fixing skills stay). */
const ALONE: { label: string; rates: (keyof SimulatedRates)[] }[] = [
  { label: 'Artifact loss', rates: ['artifactGuess'] },
  { label: 'API misuse', rates: ['apiMisuse'] },
  { label: 'API misuse + repetition', rates: ['apiMisuse', 'repeat'] },
  { label: 'No code', rates: ['noCode', 'noCodeStreak'] },
  { label: 'Premature completion', rates: ['premature'] },
];
const MISTAKES: (keyof SimulatedRates)[] = [
  'apiMisuse',
  'repeat',
  'noCode',
  'noCodeStreak',
  'premature',
  'artifactGuess',
];

function options() {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '7' },
      model: { type: 'string', default: 'small' },
      split: { type: 'string', default: 'test' },
      concurrency: { type: 'string', default: '4' },
      graphs: { type: 'string', default: 'react-baseline,summarizer-only,corrector-only,three-roles' },
      tasks: { type: 'string' },
      rate: { type: 'string', multiple: true, default: [] },
      modes: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const graphs = values.graphs.split(',') as PresetId[];
  const unknown = graphs.find((g) => !PRESET_IDS.includes(g));
  if (unknown) {
    throw new SimulatedConfigError(`unknown graph preset '${unknown}'; expected ${PRESET_IDS.join(', ')}`);
  }
  const seed = Number(values.seed);
  const concurrency = Number(values.concurrency);
  if (!Number.isInteger(seed) || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new SimulatedConfigError('--seed must be an integer and --concurrency a positive integer');
  }
  const [base] = presetsByName([values.model]);
  const tasks = listTasks({ split: values.split as WorldSplit }).filter(
    (t) => !values.tasks || values.tasks.split(',').includes(t.id),
  );
  if (tasks.length === 0) throw new SimulatedConfigError('no tasks match --split and --tasks');
  return {
    seed,
    concurrency,
    graphs,
    split: values.split,
    tasks,
    modes: values.modes,
    preset: withRates(base!, parseRates(values.rate)),
  };
}

/** The engine's model access, straight to the simulated server with the real streaming client and labels. */
function httpModel(baseUrl: string, model: string, seed: number): ChatModel {
  return {
    resolve: () => ({
      endpointId: 'simulated',
      model,
      endpoint: { id: 'simulated', name: 'simulated', baseUrl, kind: 'vllm' },
      defaultParams: {},
    }),
    stream: (request: ModelRequest) =>
      streamChat({
        baseUrl,
        model: request.model,
        messages: request.messages,
        params: request.params,
        headers: request.labels ? labelHeaders(request.labels) : { 'x-trellis-seed': String(seed) },
        timeouts: DEFAULT_TIMEOUTS,
        signal: request.signal,
      }),
  };
}

function modesOf(events: RunEventBody[], error: string | null, success: boolean): Set<Mode> {
  const modes = new Set<Mode>();
  const actions = events.flatMap((e) => (e.type === 'action.executed' ? [e] : []));
  actions.forEach((a, i) => {
    if (/invalid or expired|Invalid credentials/.test(a.observation)) modes.add('credential');
    if (/Invalid arguments for|requires an access_token/.test(a.observation)) modes.add('misuse');
    if (a.code === '') modes.add('no_code');
    const [x, y] = [actions[i - 2], actions[i - 1]];
    if (x && y && !a.ok && !x.ok && !y.ok && a.code !== '' && a.code === x.code && a.code === y.code) {
      modes.add('stuck');
    }
  });
  if (!success && actions.at(-1)?.completed) modes.add('wrong_completion');
  if (/step limit/.test(error ?? '')) modes.add('step_limit');
  return modes;
}

async function runOne(
  host: BuiltinHost,
  model: ChatModel,
  graph: PresetId,
  task: WorldTaskSummary,
  seed: number,
) {
  const events: RunEventBody[] = [];
  const env = host.environment();
  try {
    const outcome = await runGraph(
      { graph: preset(graph).graph, graphVersionId: graph, taskId: task.id, seed },
      { model, env, emit: (e) => events.push(e), signal: new AbortController().signal, deltaWindowMs: 0 },
    );
    const success = outcome.evaluation?.success === true;
    if (outcome.status === 'errored') console.error(`errored: ${graph} ${task.id}: ${outcome.error}`);
    return {
      graph,
      difficulty: task.difficulty,
      success,
      steps: outcome.totals.steps,
      tokens: outcome.totals.promptTokens + outcome.totals.completionTokens,
      modes: modesOf(events, outcome.error, success),
    } satisfies Outcome;
  } finally {
    await env.close();
  }
}

/** Every graph on every task against one simulated preset, at most `concurrency` runs at a time. */
async function measure(
  simulated: SimulatedPreset,
  graphs: PresetId[],
  tasks: WorldTaskSummary[],
  seed: number,
  concurrency: number,
): Promise<Outcome[]> {
  const server = await startSimulatedServer({ presets: [simulated], seed, timeScale: 0 });
  const host = new BuiltinHost({ poolSize: Math.min(concurrency, 2) });
  const model = httpModel(server.url, simulated.model, seed);
  const jobs = graphs.flatMap((graph) => tasks.map((task) => ({ graph, task })));
  const outcomes: Outcome[] = [];
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < jobs.length) {
          const job = jobs[next++]!;
          outcomes.push(await runOne(host, model, job.graph, job.task, seed));
        }
      }),
    );
  } finally {
    await host.close();
    await server.close();
  }
  return outcomes;
}

function tgc(outcomes: Outcome[]): string {
  if (outcomes.length === 0) return '–';
  return (100 * (outcomes.filter((o) => o.success).length / outcomes.length)).toFixed(1);
}

function mean(outcomes: Outcome[], value: (o: Outcome) => number): number {
  return outcomes.reduce((n, o) => n + value(o), 0) / Math.max(outcomes.length, 1);
}

async function main(): Promise<void> {
  const opts = options();
  const started = performance.now();
  const outcomes = await measure(opts.preset, opts.graphs, opts.tasks, opts.seed, opts.concurrency);
  const count = (d: number) => opts.tasks.filter((t) => t.difficulty === d).length;
  const of = (g: PresetId) => outcomes.filter((o) => o.graph === g);
  console.log(
    `Simulated model \`${opts.preset.model}\`, seed ${opts.seed}, ${opts.split} split: ${opts.tasks.length} tasks ` +
      `(${count(1)} / ${count(2)} / ${count(3)} of difficulty 1 / 2 / 3), ${outcomes.length} runs in ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s.\n`,
  );
  console.log('| Graph | TGC | Difficulty 1 | Difficulty 2 | Difficulty 3 | Mean steps | Mean tokens |');
  console.log('| --- | --: | --: | --: | --: | --: | --: |');
  for (const g of opts.graphs) {
    const rows = of(g);
    const byDifficulty = [1, 2, 3].map((d) => tgc(rows.filter((o) => o.difficulty === d)));
    console.log(
      `| ${g} | **${tgc(rows)}** | ${byDifficulty.join(' | ')} | ${mean(rows, (o) => o.steps).toFixed(1)} | ${Math.round(mean(rows, (o) => o.tokens)).toLocaleString('en-US')} |`,
    );
  }
  console.log('\nRuns that met each failure mode (of them, failed):\n');
  console.log(`| Failure mode | ${opts.graphs.join(' | ')} |`);
  console.log(`| --- | ${opts.graphs.map(() => '--:').join(' | ')} |`);
  for (const mode of MODES) {
    const cells = opts.graphs.map((g) => {
      const met = of(g).filter((o) => o.modes.has(mode));
      return `${met.length} (${met.filter((o) => !o.success).length})`;
    });
    console.log(`| ${MODE_LABELS[mode]} | ${cells.join(' | ')} |`);
  }
  if (!opts.modes) return;

  console.log('\nEach failure mode alone (the other mistakes at rate 0), TGC (mean steps):\n');
  console.log(`| Failure mode on | ${opts.graphs.join(' | ')} |`);
  console.log(`| --- | ${opts.graphs.map(() => '--:').join(' | ')} |`);
  for (const alone of ALONE) {
    const rates = Object.fromEntries(
      MISTAKES.map((name) => [name, alone.rates.includes(name) ? opts.preset.rates[name] : 0]),
    );
    const isolated = await measure(
      withRates(opts.preset, rates),
      opts.graphs,
      opts.tasks,
      opts.seed,
      opts.concurrency,
    );
    const cells = opts.graphs.map((g) => {
      const rows = isolated.filter((o) => o.graph === g);
      return `${tgc(rows)} (${mean(rows, (o) => o.steps).toFixed(1)})`;
    });
    console.log(`| ${alone.label} (${alone.rates.join(', ')}) | ${cells.join(' | ')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof SimulatedConfigError ? `simulated-ablation: ${error.message}` : error);
  process.exit(error instanceof SimulatedConfigError ? 2 : 1);
});
