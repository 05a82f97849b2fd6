/**
 * Replay, fork and rescue against the simulated small model, through Trellis's own API (`inject()`), its store in
 * a SQLite file, the built-in world and the sandbox:
 *
 * - replay: a 200-step run is recorded (summarizer-only graph, step limit 200, a task on which the simulated
 *   agent gets stuck and keeps acting to the limit), the model server is stopped, and the run is replayed with
 *   `POST /api/runs/:id/replay`; its time is set beside the recorded run's.
 * - fork: the model server is started again and the run is forked at step 150 onto the three-roles graph; the
 *   time is from the fork request to the first request the model server receives.
 * - rescue: 100 failed react-baseline runs are rescued onto the three-roles graph (`POST /api/rescues`), from the
 *   start and from the step before each run's first failure; the wall time is set against the ideal for the
 *   rescue's concurrency.
 *
 * Each measure is repeated and every repetition printed. The data directory is removed at the end, also when a
 * measurement fails or the benchmark is interrupted.
 *
 *   node --import tsx bench/replay.ts [--rounds 5] [--rescue-rounds 3] [--concurrency 4] [--failed 100]
 *        [--time-scale 0]                                                               (pnpm bench:replay)
 *
 * `--time-scale 1` serves the model at its preset's speed (minutes for the 200-step run);
 * `--rescue-rounds 0` leaves out the rescue and its set-up.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { replayServices } from '../server/src/replay/services.ts';
import { listTasks } from '../server/src/world/index.ts';
import type {
  ForkResult,
  LineageTree,
  ReplayResult,
  Rescue,
  RescueRequest,
  RunDetail,
} from '../shared/src/index.ts';
import { type ReplayRig, startRig } from './replay-rig.ts';

const SEED = 7;
/** With seed 7 the simulated small agent gets stuck in a failing search here and runs to any step limit. */
const LONG_TASK = 'notes_pin_2';
const LONG_STEPS = 200;
const FORK_STEP = 150;

function options() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      'rescue-rounds': { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '4' },
      failed: { type: 'string', default: '100' },
      'time-scale': { type: 'string', default: '0' },
    },
    strict: true,
  });
  const number = (name: keyof typeof values, min = 1) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}`);
    return n;
  };
  const timeScale = Number(values['time-scale']);
  if (!(timeScale >= 0)) throw new Error('--time-scale must be a number of at least 0');
  return {
    rounds: number('rounds'),
    rescueRounds: number('rescue-rounds', 0),
    concurrency: number('concurrency'),
    failed: number('failed'),
    timeScale,
  };
}

const load = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
const load1 = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
const ms = (n: number) => Math.round(n).toLocaleString('en-US');
const s = (n: number) => (n / 1000).toFixed(1);
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
const sleep = (n: number) => new Promise((resolve) => setTimeout(resolve, n));

interface ReplayRow {
  load: string;
  recordedWallMs: number;
  recordedEngineMs: number;
  events: number;
  actions: number;
  replayWallMs: number;
  replayServiceMs: number;
  modelCalls: number;
  match: boolean;
}

interface ForkRow {
  load: string;
  createdMs: number;
  firstCallMs: number;
  firstCall: string;
  earliestStep: number;
  requests: number;
  status: string;
  steps: number;
  findings: number;
}

/** Records the 200-step run with the model up, then replays it with the model server stopped. */
async function recordAndReplay(
  rig: ReplayRig,
  graphVersionId: string,
): Promise<ReplayRow & { runId: string }> {
  const loadAtStart = load1();
  await rig.startModel();
  const { run, wallMs } = await rig.runToEnd({ graphVersionId, taskId: LONG_TASK, seed: SEED });
  if (run.steps !== LONG_STEPS) {
    throw new Error(
      `the long run ended at step ${run.steps} (${run.status}: ${run.error}), not ${LONG_STEPS}`,
    );
  }
  await rig.ctx.writer.flush();
  const events = await rig.ctx.runs.events(run.id);
  await rig.stopModel();
  const started = performance.now();
  const result = await rig.api<ReplayResult>('POST', `/api/runs/${run.id}/replay`, {});
  const replayWallMs = performance.now() - started;
  return {
    runId: run.id,
    load: loadAtStart,
    recordedWallMs: wallMs,
    recordedEngineMs: run.totals?.durationMs ?? Number.NaN,
    events: events.length,
    actions: events.filter((e) => e.type === 'action.executed' && e.code !== '').length,
    replayWallMs,
    replayServiceMs: result.durationMs,
    modelCalls: result.modelCalls,
    match: result.match,
  };
}

/** Forks the run at step 150 onto another graph and times the fork request to the model's first request. */
async function forkAt(rig: ReplayRig, runId: string, graphVersionId: string): Promise<ForkRow> {
  const loadAtStart = load1();
  const model = await rig.startModel();
  model.reset();
  const requestedAt = Date.now();
  const started = performance.now();
  const { run } = await rig.api<ForkResult>(
    'POST',
    `/api/runs/${runId}/forks`,
    { step: FORK_STEP, change: { graphVersionId } },
    201,
  );
  const createdMs = performance.now() - started;
  const chats = () => model.requests().filter((r) => r.path.endsWith('/chat/completions'));
  while (chats().length === 0) {
    if ((await rig.ctx.runs.get(run.id))!.finishedAt)
      throw new Error(`fork ${run.id} ended without a model call`);
    await sleep(2);
  }
  const first = chats()[0]!;
  await rig.ctx.manager.settled(run.id);
  const forked = (await rig.ctx.runs.get(run.id))!;
  const lineage = await rig.api<LineageTree>('GET', `/api/runs/${run.id}/lineage`);
  const sent = chats();
  return {
    load: loadAtStart,
    createdMs,
    firstCallMs: first.receivedAt - requestedAt,
    firstCall: `step ${first.headers['x-trellis-step']}, ${first.headers['x-trellis-role']}`,
    earliestStep: Math.min(...sent.map((r) => Number(r.headers['x-trellis-step']))),
    requests: sent.length,
    status: forked.status,
    steps: forked.steps,
    findings: lineage.lineage.findings.length,
  };
}

/** Runs react-baseline on the built-in tasks, `concurrency` at a time, until `wanted` runs have failed. */
async function collectFailedRuns(rig: ReplayRig, wanted: number, concurrency: number) {
  const baseline = await rig.saveGraph('react-baseline', 40);
  const jobs = [SEED, SEED + 1, SEED + 2].flatMap((seed) => listTasks().map((task) => ({ seed, task })));
  const failed: RunDetail[] = [];
  let next = 0;
  let ran = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (failed.length < wanted && next < jobs.length) {
        const { seed, task } = jobs[next++]!;
        const { run } = await rig.runToEnd({ graphVersionId: baseline, taskId: task.id, seed });
        ran++;
        if ((run.status === 'failed' || run.status === 'errored') && failed.length < wanted) failed.push(run);
      }
    }),
  );
  if (failed.length < wanted) throw new Error(`only ${failed.length} of ${ran} runs failed`);
  return { failed, ran, ms: performance.now() - started };
}

interface RescueRow {
  load: string;
  from: NonNullable<RescueRequest['from']>;
  runs: number;
  rescued: number;
  wallMs: number;
  sumMs: number;
  longestMs: number;
}

async function rescue(
  rig: ReplayRig,
  runIds: string[],
  from: RescueRow['from'],
  graphVersionId: string,
  concurrency: number,
): Promise<RescueRow> {
  const loadAtStart = load1();
  const started = performance.now();
  const { id } = await rig.api<Rescue>(
    'POST',
    '/api/rescues',
    { runIds, from, concurrency, change: { graphVersionId } } satisfies RescueRequest,
    201,
  );
  await replayServices(rig.ctx).rescues.settled(id);
  const wallMs = performance.now() - started;
  const done = await rig.api<Rescue>('GET', `/api/rescues/${id}`);
  const durations: number[] = [];
  for (const p of done.pairs) durations.push((await rig.ctx.runs.get(p.forkRunId!))?.totals?.durationMs ?? 0);
  if (done.status !== 'finished' || done.pairs.some((p) => p.status === 'error')) {
    throw new Error(`rescue ${id} ended ${done.status}: ${JSON.stringify(done.pairs.find((p) => p.error))}`);
  }
  return {
    load: loadAtStart,
    from,
    runs: done.pairs.length,
    rescued: done.progress.rescued,
    wallMs,
    sumMs: durations.reduce((a, b) => a + b, 0),
    longestMs: Math.max(...durations),
  };
}

function printReplay(rows: ReplayRow[], timeScale: number) {
  console.log(
    `\nReplay of a ${LONG_STEPS}-step run (${LONG_TASK}, seed ${SEED}, summarizer-only, simulated-small with ` +
      `${timeScale === 0 ? 'tokens not paced' : `time scale ${timeScale}`}), model server stopped during the replay:\n`,
  );
  console.log(
    '| Round | Load (1 min) | Events | Actions run | Original run: request to end | of which the engine | ' +
      'Replay: request to result | of which the replay service | Answers from the record | Match |',
  );
  console.log('| --: | --: | --: | --: | --: | --: | --: | --: | --: | --- |');
  rows.forEach((r, i) => {
    console.log(
      `| ${i + 1} | ${r.load} | ${r.events.toLocaleString('en-US')} | ${r.actions} | ${ms(r.recordedWallMs)} ms | ` +
        `${ms(r.recordedEngineMs)} ms | ${ms(r.replayWallMs)} ms | ${ms(r.replayServiceMs)} ms | ${r.modelCalls} | ` +
        `${r.match ? 'yes' : 'NO'} |`,
    );
  });
  const m = (f: (r: ReplayRow) => number) => `${ms(median(rows.map(f)))} ms`;
  console.log(
    `| median | | | | ${m((r) => r.recordedWallMs)} | ${m((r) => r.recordedEngineMs)} | ` +
      `${m((r) => r.replayWallMs)} | ${m((r) => r.replayServiceMs)} | | |`,
  );
}

function printFork(rows: ForkRow[]) {
  console.log(
    `\nFork at step ${FORK_STEP} of that run onto three-roles (step limit ${LONG_STEPS}), model server up:\n`,
  );
  console.log(
    '| Round | Load (1 min) | Fork request to 201 | Fork request to first model request | First request | ' +
      'Earliest step requested | Requests | Fork ended | Findings |',
  );
  console.log('| --: | --: | --: | --: | --- | --: | --: | --- | --: |');
  rows.forEach((r, i) => {
    console.log(
      `| ${i + 1} | ${r.load} | ${ms(r.createdMs)} ms | ${ms(r.firstCallMs)} ms | ${r.firstCall} | ` +
        `${r.earliestStep} | ${r.requests} | ${r.status} at step ${r.steps} | ${r.findings} |`,
    );
  });
  console.log(
    `| median | | ${ms(median(rows.map((r) => r.createdMs)))} ms | ` +
      `${ms(median(rows.map((r) => r.firstCallMs)))} ms | | | | | |`,
  );
}

function printRescue(rows: RescueRow[], concurrency: number) {
  console.log(
    `\nRescue of the failed runs onto three-roles (40 steps), concurrency ${concurrency}; ideal = the larger of ` +
      `the sum of the forks' run times / ${concurrency} and the longest fork:\n`,
  );
  console.log(
    '| Round | From | Load (1 min) | Runs | Rescued | Wall | Sum of run times | Sum / concurrency | ' +
      'Longest run | Wall / ideal |',
  );
  console.log('| --: | --- | --: | --: | --: | --: | --: | --: | --: | --: |');
  const ratio = (r: RescueRow) => r.wallMs / Math.max(r.sumMs / concurrency, r.longestMs);
  rows.forEach((r, i) => {
    console.log(
      `| ${Math.floor(i / 2) + 1} | ${r.from} | ${r.load} | ${r.runs} | ${r.rescued} | ${s(r.wallMs)} s | ` +
        `${s(r.sumMs)} s | ${s(r.sumMs / concurrency)} s | ${s(r.longestMs)} s | ${ratio(r).toFixed(2)} |`,
    );
  });
  for (const from of ['start', 'before_first_failure'] as const) {
    const of = rows.filter((r) => r.from === from);
    if (of.length === 0) continue;
    const m = (f: (r: RescueRow) => number) => median(of.map(f));
    console.log(
      `| median | ${from} | | | | ${s(m((r) => r.wallMs))} s | ${s(m((r) => r.sumMs))} s | ` +
        `${s(m((r) => r.sumMs / concurrency))} s | ${s(m((r) => r.longestMs))} s | ${m(ratio).toFixed(2)} |`,
    );
  }
}

/** Collects the failed runs, then rescues them from the start and from before their first failure, each round. */
async function rescueRounds(rig: ReplayRig, opts: ReturnType<typeof options>, graphVersionId: string) {
  const setup = await collectFailedRuns(rig, opts.failed, opts.concurrency);
  console.log(
    `\nSet-up for the rescue: ${setup.ran} react-baseline runs (${opts.concurrency} at a time) in ${s(setup.ms)} s ` +
      `gave ${setup.failed.length} failed runs (${setup.failed.filter((r) => r.status === 'errored').length} ` +
      `errored); load average ${load()}`,
  );
  const rows: RescueRow[] = [];
  const ids = setup.failed.map((r) => r.id);
  for (let round = 0; round < opts.rescueRounds; round++) {
    for (const from of ['start', 'before_first_failure'] as const) {
      rows.push(await rescue(rig, ids, from, graphVersionId, opts.concurrency));
    }
  }
  printRescue(rows, opts.concurrency);
}

async function main(dir: string): Promise<void> {
  const opts = options();
  console.log(
    `Replay, fork and rescue on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}, ` +
      `load average ${load()} at the start`,
  );
  const rig = await startRig(dir, SEED, opts.timeScale);
  try {
    const longGraph = await rig.saveGraph('summarizer-only', LONG_STEPS);
    const forkGraph = await rig.saveGraph('three-roles', LONG_STEPS);
    const rescueGraph = await rig.saveGraph('three-roles', 40);

    const replays: ReplayRow[] = [];
    const forks: ForkRow[] = [];
    for (let round = 0; round < opts.rounds; round++) {
      const { runId, ...row } = await recordAndReplay(rig, longGraph);
      replays.push(row);
      forks.push(await forkAt(rig, runId, forkGraph));
    }
    printReplay(replays, opts.timeScale);
    printFork(forks);

    if (opts.rescueRounds > 0) await rescueRounds(rig, opts, rescueGraph);
    console.log(`\nLoad average ${load()} at the end`);
  } finally {
    await rig.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-replay-'));
const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    removeDir();
    process.exit(130);
  });
}
try {
  await main(dir);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  removeDir();
}
