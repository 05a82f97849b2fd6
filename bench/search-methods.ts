/**
 * Allocation search methods compared on the simulated models: random, the random-forest Bayesian optimiser and the
 * proposer (played by a scripted rule, bench/search-methods-rule.ts), the same number of trials and batch size each,
 * through the real SearchService in one in-process Trellis context (a temporary SQLite store, the built-in world,
 * the simulated server serving `small` and `large`). The whole grid within the budget is searched first, so every
 * method's trial is a reuse of a grid trial (same allocation, same evaluation: the same score) and the table can
 * show the true best and each method's regret. After the searches, each method's choice is confirmed once on the
 * test split (SearchService.confirm); the test score is never used to choose. Simulated results, not a model's
 * (docs/simulated-model.md).
 *
 *   node --import tsx bench/search-methods.ts [--quick] [--seed 7] [--trials 12] [--batch 4] [--seeds 10]
 *                                                                              (pnpm bench:search)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { type AppContext, createContext } from '../server/src/context.ts';
import { BuiltinHost } from '../server/src/environments/builtin.ts';
import { experimentServices } from '../server/src/experiments/services.ts';
import { declaredCost } from '../server/src/search/compute.ts';
import type { SearchContext } from '../server/src/search/methods.ts';
import { searchService } from '../server/src/search/services.ts';
import { enumerate } from '../server/src/search/space.ts';
import { openStore } from '../server/src/store/db.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../server/src/testserver/simulated/index.ts';
import { builtinTasks, listTasks } from '../server/src/world/index.ts';
import {
  type Allocation,
  ComputeRule,
  DEFAULT_TIMEOUTS,
  type Graph,
  preset,
  type Search,
  SearchRequest,
  type SearchSpace,
  type SearchTrial,
} from '../shared/src/index.ts';
import { scriptedRule } from './search-methods-rule.ts';

const SMALL = 'simulated-small';
const LARGE = 'simulated-large';
/** A large-model token weighs four small-model tokens, prompt and completion alike. */
const WEIGHTS = { [SMALL]: { input: 1, output: 1 }, [LARGE]: { input: 4, output: 4 } };
/**
 * Declared costs (summarizer 512, agent 1,536, corrector 1,024 max output tokens, as saved): every role small
 * 3,072; the agent large 7,680; the agent and the summarizer large 9,216; the agent and the corrector large
 * 10,752. The budget rules the last out (and everything large).
 */
const BUDGET = 9_500;
/** The proposer model names the scripted rule answers for (knobs in the space's order, or reversed). */
const RULE = 'scripted-rule';
const RULE_REVERSED = 'scripted-rule-reversed';

function parsed() {
  try {
    return parseArgs({
      options: {
        quick: { type: 'boolean', default: false },
        seed: { type: 'string', default: '7' },
        trials: { type: 'string' },
        batch: { type: 'string', default: '4' },
        seeds: { type: 'string' },
      },
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function options() {
  const { values } = parsed();
  const int = (name: string, value: string, least = 1) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < least)
      throw new UsageError(`--${name} must be an integer of at least ${least}`);
    return n;
  };
  const dev = listTasks({ split: 'dev' }).map((t) => t.id);
  return {
    quick: values.quick,
    seed: int('seed', values.seed, 0),
    trials: int('trials', values.trials ?? (values.quick ? '8' : '12')),
    batch: int('batch', values.batch),
    searchSeeds: int('seeds', values.seeds ?? (values.quick ? '2' : '10')),
    // --quick: every third dev task (in id order), a third of the runs per trial.
    tasks: values.quick ? [...dev].sort().filter((_, i) => i % 3 === 0) : dev,
  };
}
type Options = ReturnType<typeof options>;

class UsageError extends Error {}

/** Trellis as the server builds it, in this process, over a temporary store, with the simulated models registered. */
async function startTrellis() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-search-bench-'));
  const db = await openStore(path.join(dataDir, 'trellis.db'));
  const shutdown = new AbortController();
  const host = new BuiltinHost();
  await host.sandbox().warm();
  const config = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    accessToken: null,
    endpoints: [],
    discovery: false,
    webDist: '/nonexistent',
  };
  const ctx = createContext(config, db, shutdown.signal, {
    tasks: builtinTasks,
    environment: () => host.environment(),
  });
  const server = await startSimulatedServer({
    presets: [SIMULATED_PRESETS.small!, SIMULATED_PRESETS.large!],
    timeScale: 0,
  });
  const endpoint = await ctx.endpoints.create({
    name: 'simulated',
    baseUrl: server.url,
    kind: 'vllm',
    apiKey: null,
    defaultModel: SMALL,
    defaultParams: {},
    timeouts: DEFAULT_TIMEOUTS,
  });
  return {
    ctx,
    endpointId: endpoint.id,
    async close() {
      const stopped = ctx.manager.shutdown();
      shutdown.abort();
      await stopped;
      await experimentServices(ctx).experiments.idle();
      await ctx.writer.flush();
      await host.close();
      await server.close();
      await db.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function spaceOf(endpointId: string): SearchSpace {
  const models = [
    { endpointId, model: SMALL },
    { endpointId, model: LARGE },
  ];
  return {
    agent: { model: models },
    corrector: { model: models, correctorTrigger: ['always', 'after_failure', 'never'] },
    summarizer: { model: models, summarizerThreshold: [2000, 6000, 12000] },
  };
}

interface Method {
  label: string;
  method: 'random' | 'bayesian' | 'proposer';
  /** The search's seed (random and Bayesian); null for the deterministic rule. */
  seed: number | null;
  /** The proposer's model name: which scripted rule answers. */
  rule?: string;
}

function methods(opts: Options): Method[] {
  const seeds = Array.from({ length: opts.searchSeeds }, (_, i) => i + 1);
  return [
    ...seeds.map((seed): Method => ({ label: 'random', method: 'random', seed })),
    ...seeds.map((seed): Method => ({ label: 'Bayesian (random forest)', method: 'bayesian', seed })),
    { label: 'proposer: scripted rule', method: 'proposer', seed: null, rule: RULE },
    { label: 'proposer: rule, knobs reversed', method: 'proposer', seed: null, rule: RULE_REVERSED },
  ];
}

interface Finished {
  method: Method;
  search: Search;
}

const counted = (search: Search) => search.trials.filter((t) => t.status !== 'refused');
const pct = (rate: number | null | undefined) => (rate == null ? '–' : (100 * rate).toFixed(1));
const thousands = (n: number | null | undefined) => (n == null ? '–' : Math.round(n).toLocaleString('en-US'));
const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;

/** An allocation in a few words: `agent L · corrector S, always · summarizer S, 6000`. */
function short(allocation: Allocation): string {
  const model = (m?: { model: string }) => (m?.model === LARGE ? 'L' : 'S');
  const { agent, corrector, summarizer } = allocation;
  return `agent ${model(agent?.model)} · corrector ${model(corrector?.model)}, ${corrector?.correctorTrigger} · summarizer ${model(summarizer?.model)}, ${summarizer?.summarizerThreshold}`;
}

function bestSoFar(search: Search, trials: number): (number | null)[] {
  const scores = counted(search).map((t) => t.score?.rate ?? null);
  let best: number | null = null;
  return Array.from({ length: trials }, (_, k) => {
    const score = scores[k];
    if (score !== undefined && score !== null) best = best === null ? score : Math.max(best, score);
    return k < scores.length ? best : null;
  });
}

async function runSearch(ctx: AppContext, request: Record<string, unknown>): Promise<Search> {
  const service = searchService(ctx);
  const { id } = await service.create(SearchRequest.parse(request));
  await service.settled(id);
  return (await service.get(id))!;
}

function printGrid(grid: Search, gridSize: number, opts: Options): SearchTrial {
  const trials = counted(grid);
  const best = grid.trials[grid.best!.index]!;
  const scores = trials.map((t) => t.score!.rate!);
  const atBest = trials.filter((t) => t.score!.rate === best.score!.rate).length;
  console.log(
    `Grid: ${gridSize} allocations, ${trials.length} within the budget of ${BUDGET.toLocaleString('en-US')} ` +
      `(${gridSize - trials.length} over it); dev TGC from ${pct(Math.min(...scores))} to ${pct(Math.max(...scores))}; ` +
      `${atBest} allocation(s) reach the best.\n`,
  );
  console.log('Top of the grid on dev (score, then measured compute):\n');
  console.log('| Rank | Allocation | Dev TGC | Declared cost | Compute per run |');
  console.log('| --: | --- | --: | --: | --: |');
  const sorted = [...trials].sort(
    (a, b) => b.score!.rate! - a.score!.rate! || (a.compute ?? 0) - (b.compute ?? 0) || a.index - b.index,
  );
  const top = opts.quick ? 5 : 10;
  sorted.slice(0, top).forEach((t, i) => {
    console.log(
      `| ${i + 1} | ${short(t.allocation)} | ${pct(t.score!.rate)} | ${thousands(t.declaredCost)} | ${thousands(t.compute)} |`,
    );
  });
  const cheapest = sorted.reduce((a, b) => ((b.compute ?? 0) < (a.compute ?? 0) ? b : a));
  const asSaved = `agent S · corrector S, after_failure · summarizer S, 6000`;
  const start = sorted.find((t) => short(t.allocation) === asSaved);
  console.log(
    `\nEvery role small, the rest as saved (${asSaved}): dev ${pct(start?.score?.rate)}; ` +
      `least measured compute: ${short(cheapest.allocation)}, dev ${pct(cheapest.score!.rate)}, ${thousands(cheapest.compute)} per run.\n`,
  );
  return best;
}

function printSearches(finished: Finished[], truth: SearchTrial, opts: Options): void {
  const k = Array.from({ length: opts.trials }, (_, i) => i + 1);
  console.log(`Best dev TGC after trial 1…${opts.trials} (${opts.batch} per round):\n`);
  console.log(`| Method | Seed | ${k.join(' | ')} |`);
  console.log(`| --- | --: | ${k.map(() => '--:').join(' | ')} |`);
  for (const { method, search } of finished) {
    const curve = bestSoFar(search, opts.trials).map(pct);
    console.log(`| ${method.label} | ${method.seed ?? '–'} | ${curve.join(' | ')} |`);
  }
  console.log(`\nEach search's choice (true best on dev: ${pct(truth.score!.rate)}):\n`);
  console.log(
    '| Method | Seed | Chosen allocation | Dev TGC | Regret (points) | Reached the true best at trial | Declared cost | Compute per run | Refused | Test TGC (confirmed) |',
  );
  console.log('| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: |');
  for (const { method, search } of finished) {
    const chosen = search.trials[search.best!.index]!;
    const reached = bestSoFar(search, opts.trials).indexOf(truth.score!.rate);
    const test = search.confirmation?.score;
    console.log(
      `| ${method.label} | ${method.seed ?? '–'} | ${short(chosen.allocation)} | ${pct(chosen.score!.rate)} | ` +
        `${(100 * (truth.score!.rate! - chosen.score!.rate!)).toFixed(1)} | ${reached < 0 ? 'no' : reached + 1} | ` +
        `${thousands(chosen.declaredCost)} | ${thousands(chosen.compute)} | ${search.refused} | ` +
        `${pct(test?.rate)} (${test?.successes}/${test?.n}) |`,
    );
  }
}

/** The scripted rule's trials in order, with the rule's reason for each. */
function printRuleTrials(finished: Finished[]): void {
  for (const { method, search } of finished.filter((f) => f.method.rule)) {
    console.log(`\n${method.label}, trial by trial:\n`);
    console.log("| Trial | Round | Allocation | Dev TGC | Why (the rule's reason) |");
    console.log('| --: | --: | --- | --: | --- |');
    counted(search).forEach((t, i) => {
      console.log(
        `| ${i + 1} | ${t.round} | ${short(t.allocation)} | ${pct(t.score?.rate)} | ${t.rationale ?? ''} |`,
      );
    });
  }
}

/** C(n, k) as a double (exact for the grid sizes here). */
function choose(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/**
 * Random search in exact expectation over every possible draw (k allocations without replacement from the grid
 * within the budget): the expected best dev score after trial k, and the chance of having reached the best.
 */
function randomExpectation(scores: readonly number[], trials: number) {
  const sorted = [...scores].sort((a, b) => b - a);
  const n = sorted.length;
  const atBest = sorted.filter((s) => s === sorted[0]).length;
  return Array.from({ length: trials }, (_, i) => {
    const k = i + 1;
    // The i-th best (1-based) is the best drawn when it is drawn and none better is: C(n − i, k − 1) / C(n, k).
    const best = sorted.reduce((sum, s, j) => sum + (s * choose(n - j - 1, k - 1)) / choose(n, k), 0);
    return { best, reached: 1 - choose(n - atBest, k) / choose(n, k) };
  });
}

const mean = (values: readonly (number | null | undefined)[]) => {
  const known = values.filter((v): v is number => typeof v === 'number');
  return known.length === 0 ? null : known.reduce((a, b) => a + b, 0) / known.length;
};

function printSummary(finished: Finished[], grid: Search, truth: SearchTrial, opts: Options): void {
  console.log(
    '\nPer method: mean over its searches of the best dev TGC after trial k; searches whose trials reached the true best; mean regret and test TGC of the choice:\n',
  );
  const marks = [1, 2, 3, 4, 6, 8, 10, 12, 16, 20].filter((m) => m <= opts.trials);
  if (!marks.includes(opts.trials)) marks.push(opts.trials);
  console.log(
    `| Method | Searches | ${marks.map((m) => `k = ${m}`).join(' | ')} | Reached the true best | Mean regret (points) | Mean test TGC of the choice |`,
  );
  console.log(`| --- | --: | ${marks.map(() => '--:').join(' | ')} | --: | --: | --: |`);
  const best = truth.score!.rate!;
  const labels = [...new Set(finished.map((f) => f.method.label))];
  for (const label of labels) {
    const group = finished.filter((f) => f.method.label === label);
    const curves = group.map((f) => bestSoFar(f.search, opts.trials));
    const cells = marks.map((m) => pct(mean(curves.map((c) => c[m - 1]))));
    const reached = curves.filter((c) => c.includes(best)).length;
    const regret = mean(group.map((f) => best - f.search.best!.score));
    const tests = mean(group.map((f) => f.search.confirmation?.score?.rate));
    console.log(
      `| ${label} | ${group.length} | ${cells.join(' | ')} | ${reached} of ${group.length} | ${(100 * regret!).toFixed(1)} | ${pct(tests)} |`,
    );
  }
  const expected = randomExpectation(
    counted(grid).map((t) => t.score!.rate!),
    opts.trials,
  );
  const last = expected[opts.trials - 1]!;
  console.log(
    `| random, exact expectation over all draws | – | ${marks.map((m) => pct(expected[m - 1]!.best)).join(' | ')} | ${(100 * last.reached).toFixed(1)} % | ${(100 * (best - last.best)).toFixed(1)} | – |`,
  );
}

async function main(): Promise<void> {
  const opts = options();
  const started = performance.now();
  const trellis = await startTrellis();
  const { ctx, endpointId } = trellis;
  try {
    const graph: Graph = preset('three-roles').graph;
    const version = await ctx.graphs.save({ graph, message: 'three-roles preset' });
    const space = spaceOf(endpointId);
    const compute = ComputeRule.parse({ weights: WEIGHTS, budget: BUDGET });
    const context: SearchContext = { graph, space, rule: compute, defaults: { model: SMALL } };
    // The proposer's "model" is the scripted rule, chosen by the model name a search asks for.
    const rules = new Map([
      [RULE, scriptedRule(context)],
      [RULE_REVERSED, scriptedRule(context, { order: 'reverse' })],
    ]);
    const service = searchService(ctx, { ask: (_endpoint, model) => rules.get(model ?? RULE)! });
    const base = {
      graphVersionId: version.id,
      endpointId,
      tasks: { ids: opts.tasks },
      seeds: [opts.seed],
      space,
      compute,
    };

    const all = enumerate(space);
    const within = all.filter((a) => declaredCost(graph, a, compute, context.defaults) <= BUDGET);
    const gridStarted = performance.now();
    const grid = await runSearch(ctx, {
      ...base,
      name: 'grid',
      method: 'random',
      trials: within.length,
      batchSize: 16,
      seed: 0,
    });
    const gridMs = performance.now() - gridStarted;
    if (grid.status !== 'finished' || counted(grid).some((t) => t.status !== 'done')) {
      throw new Error(`the grid search ended ${grid.status}: ${grid.stopReason ?? 'a trial did not finish'}`);
    }

    const searchesStarted = performance.now();
    const finished: Finished[] = [];
    for (const method of methods(opts)) {
      const search = await runSearch(ctx, {
        ...base,
        name: `${method.label}${method.seed === null ? '' : ` seed ${method.seed}`}`,
        method: method.method,
        trials: opts.trials,
        batchSize: opts.batch,
        ...(method.seed === null ? {} : { seed: method.seed }),
        ...(method.rule ? { proposer: { endpointId, model: method.rule } } : {}),
      });
      if (search.status !== 'finished') {
        throw new Error(`search ${search.name} ended ${search.status}: ${search.stopReason}`);
      }
      const fresh = search.trials.filter((t) => t.status === 'done').length;
      if (fresh > 0) throw new Error(`search ${search.name} ran ${fresh} trial(s) the grid had not`);
      finished.push({ method, search });
    }
    const searchesMs = performance.now() - searchesStarted;

    // The test split, once per search, after every search has chosen.
    const confirmStarted = performance.now();
    const { experiments } = experimentServices(ctx);
    const confirmations = await Promise.all(
      [grid, ...finished.map((f) => f.search)].map((s) => service.confirm(s.id)),
    );
    await Promise.all(confirmations.map((e) => experiments.settled(e.id)));
    const confirmMs = performance.now() - confirmStarted;
    const gridConfirmed = (await service.get(grid.id))!;
    for (const f of finished) f.search = (await service.get(f.search.id))!;

    const testTasks = listTasks({ split: 'test' }).length;
    console.log(
      `SIMULATED MODELS — not a real model's result. \`${SMALL}\` and \`${LARGE}\` (docs/simulated-model.md), ` +
        `three-roles preset, dev split: ${opts.tasks.length} tasks${opts.quick ? ' (--quick: every third dev task)' : ''}, ` +
        `run seed ${opts.seed}; weights ${SMALL} 1, ${LARGE} 4 per token (prompt and completion); budget ` +
        `${BUDGET.toLocaleString('en-US')} declared. ${opts.trials} trials per search, ${opts.batch} per round; ` +
        `test split (${testTasks} tasks) run once per search to confirm its choice.\n`,
    );
    const truth = printGrid(gridConfirmed, all.length, opts);
    const truthTest = gridConfirmed.confirmation?.score;
    console.log(
      `True best within the budget (the grid's choice): ${short(truth.allocation)}, dev ${pct(truth.score!.rate)}, ` +
        `test ${pct(truthTest?.rate)} (${truthTest?.successes}/${truthTest?.n}), ${thousands(truth.compute)} per run.\n`,
    );
    printSearches(finished, truth, opts);
    printSummary(finished, gridConfirmed, truth, opts);
    printRuleTrials(finished);
    const load = os.loadavg().map((l) => l.toFixed(1));
    console.log(
      `\nTime: grid ${seconds(gridMs)} (${counted(gridConfirmed).length} trials × ${opts.tasks.length} tasks), ` +
        `${finished.length} searches ${seconds(searchesMs)} (every trial reused from the grid), ` +
        `${confirmations.length} confirmations ${seconds(confirmMs)}, total ${seconds(performance.now() - started)} ` +
        `on ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, load average ${load.join(' / ')}.`,
    );
  } finally {
    await trellis.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? `search-methods: ${error.message}` : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
