import { tokenize } from '../server/src/testserver/script.ts';
import type { RunSummary } from '../shared/src/index.ts';
import type { Upstream } from './experiment-upstream.ts';
import { CpuMeter } from './proc-cpu.ts';
import {
  AGENT_REPLY,
  type Cleanup,
  type Deployment,
  FIRST_TOKEN_MS,
  loadAverage,
  median,
  PACE_MS,
  startEmbedded,
  type Team,
} from './team-rig.ts';

export interface ThroughputOptions {
  /** Runs submitted per round. */
  runs: number;
  /** Steps of every run (one model call and one code execution each). */
  steps: number;
  /** Timed rounds per deployment and worker count, after one warm-up round. */
  rounds: number;
  workerCounts: number[];
  /** Runs each worker executes at once; the embedded server gets workers × this. */
  concurrency: number;
}

/** POSTs each at most this many at once, as a script starting many runs would. */
const SUBMIT_AT_ONCE = 8;

interface Round {
  wallMs: number;
  submitMs: number;
  runsPerSecond: number;
  /** Mean model call as the runs recorded it. */
  callMs: number;
  /** CPU time of each part of the deployment during the round, per run. */
  cpuPerRun: Record<string, number>;
}

/** A CPU meter for each part of the deployment, started now. */
function cpuMeters(target: Deployment): [string, CpuMeter][] {
  return Object.entries(target.processes()).map(([part, pids]) => [part, new CpuMeter(pids)]);
}

/**
 * One round: `runs` runs of a fresh graph version submitted through `POST /api/runs`, timed from the first
 * submission to the last run's `finishedAt` (the store's record, written on this machine's clock).
 */
async function round(target: Deployment, name: string, runs: number, steps: number): Promise<Round> {
  const { api } = target;
  const versionId = await api.saveGraph(name, steps);
  const meters = cpuMeters(target);
  const startedAt = Date.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMIT_AT_ONCE }, async () => {
      while (next < runs) {
        const seed = next++;
        await api.startRun(versionId, target.endpointId, seed);
      }
    }),
  );
  const submitMs = Date.now() - startedAt;
  // The time comes from the runs' records, so the poll's interval does not affect it; only its CPU would.
  while ((await api.unfinished(versionId)) > 0) {
    for (const [, meter] of meters) meter.sample();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const cpuPerRun = Object.fromEntries(meters.map(([part, meter]) => [part, meter.usedMs() / runs]));
  const done = await api.runs(versionId);
  check(done, runs, steps, `${target.label} ${name}`);
  const lastFinished = Math.max(...done.map((run) => Date.parse(run.finishedAt!)));
  const wallMs = lastFinished - startedAt;
  const calls = done.reduce((sum, run) => sum + run.totals!.llmCalls, 0);
  const callMs = done.reduce((sum, run) => sum + run.totals!.durationMs, 0) / calls;
  return { wallMs, submitMs, runsPerSecond: (runs / wallMs) * 1000, callMs, cpuPerRun };
}

/** Every run ended on its own after its last step: a benchmark that measured failures would mislead. */
function check(done: RunSummary[], runs: number, steps: number, what: string): void {
  if (done.length !== runs) throw new Error(`${what}: ${done.length} runs recorded, ${runs} submitted`);
  const wrong = done.filter((run) => run.steps !== steps || !run.finishedAt || run.status === 'interrupted');
  if (wrong.length > 0) {
    const first = wrong[0]!;
    throw new Error(
      `${what}: ${wrong.length} runs did not run their ${steps} steps (e.g. ${first.id}: ${first.status}, ${first.steps} steps, ${first.error})`,
    );
  }
}

const fmt = (value: number, digits = 2) => value.toFixed(digits);

/** The model call with no overhead at all: the first token's delay, then the reply's tokens at the pace. */
export const NOMINAL_CALL_MS = FIRST_TOKEN_MS + tokenize(AGENT_REPLY).length * PACE_MS;

type Label = 'team' | 'embedded';

/** One worker count: the team with that many workers and the embedded server at the same concurrency. */
async function measure(
  cleanup: Cleanup,
  team: Team,
  model: Upstream,
  workers: number,
  options: ThroughputOptions,
): Promise<Record<Label, Round[]>> {
  const inFlight = workers * options.concurrency;
  await team.setWorkers(workers);
  const embedded = await startEmbedded(cleanup, model, inFlight);
  const results: Record<Label, Round[]> = { team: [], embedded: [] };
  for (let r = 0; r <= options.rounds; r++) {
    const order: Deployment[] = r % 2 === 0 ? [team, embedded] : [embedded, team];
    for (const target of order) {
      // The warm-up starts every sandbox interpreter and loads the code paths; it is not counted.
      const runs = r === 0 ? inFlight * 2 : options.runs;
      const result = await round(target, `team bench ${workers}w r${r}`, runs, options.steps);
      const label = target.label as Label;
      const cpuText = Object.entries(result.cpuPerRun)
        .map(([part, ms]) => `${part} ${fmt(ms, 0)}`)
        .join(', ');
      console.log(
        `  ${workers} worker(s), ${label}, ${r === 0 ? 'warm-up' : `round ${r}`}: ${fmt(result.wallMs / 1000)} s, ` +
          `${fmt(result.runsPerSecond)} runs/s (submitted in ${result.submitMs} ms, model call ` +
          `${fmt(result.callMs, 0)} ms, CPU ms a run: ${cpuText}; load ${loadAverage()})`,
      );
      if (r > 0) results[label].push(result);
    }
  }
  await embedded.stop();
  return results;
}

const rateOf = (rounds: Round[]) => median(rounds.map((x) => x.runsPerSecond));

function rateRow(
  workers: number,
  inFlight: number,
  steps: number,
  results: Record<Label, Round[]>,
  perWorker: Record<Label, number>,
): Record<string, string | number> {
  const team = rateOf(results.team);
  const embedded = rateOf(results.embedded);
  const call = (label: Label) => fmt(median(results[label].map((x) => x.callMs)), 0);
  return {
    workers,
    'runs in flight': inFlight,
    'team runs/s': fmt(team),
    'team / ideal': fmt(team / (perWorker.team * workers)),
    'embedded runs/s': fmt(embedded),
    'embedded / ideal': fmt(embedded / (perWorker.embedded * workers)),
    'team / embedded': fmt(team / embedded),
    'waiting-bound runs/s': fmt(inFlight / ((steps * NOMINAL_CALL_MS) / 1000)),
    'model call ms team / embedded': `${call('team')} / ${call('embedded')}`,
  };
}

function cpuRow(workers: number, results: Record<Label, Round[]>): Record<string, string | number> {
  const part = (label: Label, name: string) =>
    median(results[label].map((x) => x.cpuPerRun[name] ?? Number.NaN));
  const teamTotal = median(
    results.team.map((x) => Object.values(x.cpuPerRun).reduce((sum, ms) => sum + ms, 0)),
  );
  const teamParts = Object.keys(results.team[0]!.cpuPerRun);
  return {
    workers,
    ...Object.fromEntries(teamParts.map((name) => [`team ${name}`, fmt(part('team', name), 0)])),
    'team total': fmt(teamTotal, 0),
    'embedded server': fmt(part('embedded', 'server'), 0),
    'team / embedded': fmt(teamTotal / part('embedded', 'server')),
  };
}

export async function throughput(
  cleanup: Cleanup,
  team: Team,
  model: Upstream,
  options: ThroughputOptions,
): Promise<void> {
  const { runs, steps, rounds, concurrency, workerCounts } = options;
  console.log(
    `\nRuns per second through the queue: ${runs} runs a round of ${steps} steps (one model call, answering in ` +
      `${NOMINAL_CALL_MS} ms at best, and one code execution each), ${concurrency} runs at once per worker; the ` +
      'embedded server (SQLite, runs in the web server) at the same total concurrency. One warm-up round each, ' +
      `then ${rounds} timed rounds, alternating which goes first.`,
  );
  const rates: Record<string, string | number>[] = [];
  const cpu: Record<string, string | number>[] = [];
  let perWorker: Record<Label, number> | null = null;
  for (const workers of workerCounts) {
    const results = await measure(cleanup, team, model, workers, options);
    perWorker ??= { team: rateOf(results.team) / workers, embedded: rateOf(results.embedded) / workers };
    rates.push(rateRow(workers, workers * concurrency, steps, results, perWorker));
    cpu.push(cpuRow(workers, results));
  }
  console.log(
    `\nRuns per second, median of ${rounds} rounds (ideal: the worker count × the rate at ` +
      `${workerCounts[0]} worker(s), for each mode; waiting-bound: runs in flight / (steps × ` +
      `${NOMINAL_CALL_MS} ms), no overhead at all)`,
  );
  console.table(rates);
  console.log(
    '\nCPU time a run, ms, median of the rounds (each part with its descendants: sandbox interpreters, database ' +
      'backends; 10 ms resolution, summed over the round)',
  );
  console.table(cpu);
}
