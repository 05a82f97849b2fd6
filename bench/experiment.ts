/**
 * Experiments at scale, in this process with the server's own context and services (bench/experiment-rig.ts)
 * and the scripted test server in its own process as the inference endpoint (bench/experiment-upstream.ts):
 *
 * 1. Batch efficiency (bench/experiment-batch.ts, run after 2 and 3): N runs (react-baseline on 64 tasks × 4
 *    repeats), each exactly one model call answered after a fixed latency with the task's reference solution, run
 *    as an experiment at 64 per endpoint, against the same runs started with plain `RunManager.start` calls
 *    behind a 64-slot semaphore, side by side, every round. Measured with the server's default limit on model
 *    requests per endpoint and with that limit at 64.
 * 2. An experiment of 1,000 runs (bench/experiment-big.ts: four arms × 125 tasks × 2 repeats, instant replies):
 *    `report(id)` timed, and the report page opened in Chromium (bench/experiment-page.ts).
 * 3. Memory while those 1,000 runs go: heap and RSS after a full collection every 50 finished runs, at the end,
 *    and once the live hub has let go of every run (30 s later); two such experiments one after the other in the
 *    same context (`--memory-experiments`), to tell what the first one warms up from what each one keeps.
 *
 *   node --import tsx bench/experiment.ts [--rounds 3] [--tasks 64] [--repeats 4] [--concurrency 64]
 *        [--latency-ms 1000] [--limits server,64] [--big-runs 1000] [--memory-experiments 2]
 *        [--page-cache-kb <n>] [--report-calls 15] [--loads 7] [--web-dist <dir>]
 *        [--parts batch,report,page]                                           (pnpm bench:experiment)
 *
 * `--page-cache-kb` sets SQLite's page cache for the 1,000-run experiments' store (db.ts allows it 64 MB), to
 * tell that cache filling up from memory the process keeps. `--web-dist` opens the page with a build already
 * made instead of building the web app into a temporary directory. The data directory is removed at the end,
 * also when a measurement fails or the run is interrupted.
 */

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { BuiltinHost } from '../server/src/environments/builtin.ts';
import { allTasks } from '../server/src/world/index.ts';
import {
  type BatchPlan,
  type BatchResult,
  experimentBatch,
  plainBatch,
  saveBaselineGraph,
} from './experiment-batch.ts';
import { BIG_ARMS, bigRequest, bigScript, bigShape, runWithSamples, slope } from './experiment-big.ts';
import { launchBrowser, loadReport, type PageLoad } from './experiment-page.ts';
import { agentReply, solution, startHost, startTrellis, type TrellisRig } from './experiment-rig.ts';
import { startUpstream, type Upstream } from './experiment-upstream.ts';
import { startTrellis as startServer } from './server.ts';

const MODEL = 'bench-model';
/** Finished runs between two memory samples. */
const MEMORY_EVERY = 50;

function options() {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '3' },
      tasks: { type: 'string', default: '64' },
      repeats: { type: 'string', default: '4' },
      concurrency: { type: 'string', default: '64' },
      'latency-ms': { type: 'string', default: '1000' },
      limits: { type: 'string', default: 'server,64' },
      'big-runs': { type: 'string', default: '1000' },
      'memory-experiments': { type: 'string', default: '2' },
      'page-cache-kb': { type: 'string' },
      'report-calls': { type: 'string', default: '15' },
      loads: { type: 'string', default: '7' },
      'web-dist': { type: 'string' },
      parts: { type: 'string', default: 'batch,report,page' },
    },
    strict: true,
  });
  const number = (name: keyof typeof values, min = 1) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer of at least ${min}`);
    return n;
  };
  const limits = values.limits.split(',').map((l) => (l === 'server' ? undefined : Number(l)));
  if (limits.some((l) => l !== undefined && !(Number.isInteger(l) && l > 0))) {
    throw new Error('--limits lists "server" (the default limit) or positive integers');
  }
  return {
    rounds: number('rounds'),
    tasks: number('tasks'),
    repeats: number('repeats'),
    concurrency: number('concurrency'),
    latencyMs: number('latency-ms', 0),
    limits,
    bigRuns: number('big-runs'),
    memoryExperiments: number('memory-experiments'),
    pageCacheKb: values['page-cache-kb'] === undefined ? undefined : number('page-cache-kb'),
    reportCalls: number('report-calls'),
    loads: number('loads'),
    webDist: values['web-dist'],
    parts: new Set(values.parts.split(',')),
  };
}
type Options = ReturnType<typeof options>;

const load1 = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
const loadAverage = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' / ');
const ms = (n: number) => Math.round(n).toLocaleString('en-US');
const sleep = (n: number) => new Promise((resolve) => setTimeout(resolve, n));
function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface BatchRow extends BatchResult {
  limit: string;
  round: number;
  load: string;
}

async function batchEfficiency(host: BuiltinHost, upstream: Upstream, dir: string, opts: Options) {
  const tasks = allTasks().slice(0, opts.tasks);
  if (tasks.length < opts.tasks) throw new Error(`the suite has ${tasks.length} tasks, not ${opts.tasks}`);
  const plan: BatchPlan = {
    taskIds: tasks.map((t) => t.id),
    repeats: opts.repeats,
    concurrency: opts.concurrency,
    latencyMs: opts.latencyMs,
  };
  await upstream.reset();
  await upstream.script(
    tasks.map((t) => agentReply(t.id, { content: solution(t.id), firstTokenMs: opts.latencyMs })),
  );
  const n = tasks.length * opts.repeats;
  const idealMs = (n * opts.latencyMs) / opts.concurrency;
  const rows: BatchRow[] = [];
  for (const [i, limit] of opts.limits.entries()) {
    const rig = await startTrellis(
      host,
      dir,
      `batch-${i}.db`,
      { url: upstream.url, defaultModel: MODEL },
      { perEndpointRequests: limit },
    );
    const versionId = await saveBaselineGraph(rig);
    const label = limit === undefined ? 'server default' : String(limit);
    try {
      // Not counted: the first runs of a context pay for compiling and caching what every later run reuses.
      await plainBatch(rig, upstream, { ...plan, repeats: 1 }, versionId);
      for (let round = 1; round <= opts.rounds; round++) {
        const order =
          round % 2 === 1 ? (['experiment', 'plain'] as const) : (['plain', 'experiment'] as const);
        for (const startedBy of order) {
          const load = load1();
          const result =
            startedBy === 'experiment'
              ? await experimentBatch(rig, upstream, plan)
              : await plainBatch(rig, upstream, plan, versionId);
          if (result.succeeded !== n) throw new Error(`${result.succeeded} of ${n} runs succeeded`);
          rows.push({ ...result, limit: label, round, load });
          console.error(`  ${label} round ${round} ${startedBy}: ${ms(result.wallMs)} ms`);
          await sleep(500);
        }
      }
    } finally {
      await rig.close();
    }
  }
  console.log(
    `\n1. Batch efficiency: ${n} runs (react-baseline on ${tasks.length} tasks × ${opts.repeats} repeats), each one model call answered ${ms(opts.latencyMs)} ms after it arrives, ${opts.concurrency} at a time; ideal ${ms(idealMs)} ms\n`,
  );
  console.log(
    '| Model requests per endpoint | Round | Started by | Load (1 min) | Runs succeeded | Wall | Ideal | Efficiency | of the wall, creating the experiment | Peak model requests in flight | Mean run | Longest run | CPU per run: this process / sandbox workers | Experiment / plain |',
  );
  console.log('| --- | --: | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const row of rows) {
    const pair = rows.find(
      (r) => r.limit === row.limit && r.round === row.round && r.startedBy !== row.startedBy,
    )!;
    console.log(
      `| ${row.limit} | ${row.round} | ${row.startedBy} | ${row.load} | ${row.succeeded} / ${row.runs} | ${ms(row.wallMs)} ms | ${ms(idealMs)} ms | ${(idealMs / row.wallMs).toFixed(3)} | ${row.startedBy === 'experiment' ? `${ms(row.createMs)} ms` : ''} | ${row.peakInFlight} | ${ms(row.meanRunMs)} ms | ${ms(row.longestRunMs)} ms | ${row.cpuMsPerRun.toFixed(1)} / ${row.sandboxCpuMsPerRun.toFixed(1)} ms | ${row.startedBy === 'experiment' ? (row.wallMs / pair.wallMs).toFixed(3) : ''} |`,
    );
  }
  for (const limit of new Set(rows.map((r) => r.limit))) {
    const of = (by: string) => rows.filter((r) => r.limit === limit && r.startedBy === by);
    const eff = (by: string) => median(of(by).map((r) => idealMs / r.wallMs)).toFixed(3);
    const ratio = median(
      of('experiment').map((r) => r.wallMs / of('plain').find((p) => p.round === r.round)!.wallMs),
    ).toFixed(3);
    console.log(
      `| ${limit} | median | | | | | | experiment ${eff('experiment')}, plain ${eff('plain')} | | | | | | ${ratio} |`,
    );
  }
}

/** The 1,000-run experiment: memory while it runs, then its report timed in-process and its page in Chromium. */
async function bigExperiment(host: BuiltinHost, upstream: Upstream, dir: string, opts: Options) {
  const { taskIds, repeats } = bigShape(opts.bigRuns);
  await upstream.reset();
  await upstream.script(bigScript(taskIds));
  const dataDir = path.join(dir, 'big');
  fs.mkdirSync(dataDir);
  const rig = await startTrellis(
    host,
    dataDir,
    'trellis.db',
    { url: upstream.url, defaultModel: BIG_ARMS[0]!.model },
    { pageCacheKb: opts.pageCacheKb },
  );
  let id = '';
  try {
    for (let k = 1; k <= opts.memoryExperiments; k++) {
      const loadAtStart = load1();
      const run = await runWithSamples(
        rig,
        bigRequest(rig, taskIds, repeats, opts.concurrency),
        MEMORY_EVERY,
      );
      id = run.id;
      printMemory(run, `${k} of ${opts.memoryExperiments}`, loadAtStart, taskIds.length, repeats, opts);
    }
    await printOutcomes(rig, id);
    await printReportTimes(rig, id, opts.reportCalls);
  } finally {
    await rig.close();
  }
  if (opts.parts.has('page')) await printPage(dataDir, id, opts);
}

function printMemory(
  run: Awaited<ReturnType<typeof runWithSamples>>,
  which: string,
  loadAtStart: string,
  tasks: number,
  repeats: number,
  opts: Options,
) {
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  const { samples } = run;
  const runs = samples.at(-1)!.done;
  console.log(
    `\n2–3. Experiment ${which} in one context, ${runs.toLocaleString('en-US')} runs (the four ablation presets × ${tasks} tasks × ${repeats} repeats, instant replies, ${opts.concurrency} per endpoint, the server's default limit on model requests): ${(run.wallMs / 1000).toFixed(1)} s, ${(runs / (run.wallMs / 1000)).toFixed(1)} runs/s, load ${loadAtStart} at its start\n`,
  );
  console.log(`Memory of this process after a full collection, every ${MEMORY_EVERY} finished runs:\n`);
  console.log(
    '| Sample | Runs done | Elapsed | Heap used | Heap reserved | External | RSS | Runs held by the live hub | Store file |',
  );
  console.log('| --- | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const s of samples) {
    console.log(
      `| ${s.label} | ${s.done} | ${(s.elapsedMs / 1000).toFixed(1)} s | ${mb(s.heapUsed)} MB | ${mb(s.heapTotal)} MB | ${mb(s.external)} MB | ${mb(s.rss)} MB | ${s.hubRuns} | ${mb(s.dbBytes)} MB |`,
    );
  }
  const during = samples.filter((s) => s.label === 'running');
  const before = samples[0]!;
  const after = samples.at(-1)!;
  const perRun = (key: 'heapUsed' | 'rss') => slope(during.map((s) => [s.done, s[key]]));
  const perHubRun = slope(during.map((s) => [s.hubRuns, s.heapUsed]));
  console.log(
    `\n| Measure | Heap used | RSS |\n| --- | --: | --: |\n` +
      `| slope while running (least squares over the ${during.length} samples), bytes per run | ${ms(perRun('heapUsed'))} | ${ms(perRun('rss'))} |\n` +
      `| kept after the hub let go (${(run.drainMs / 1000).toFixed(0)} s after the end), bytes per run: (last − before) / ${runs} | ${ms((after.heapUsed - before.heapUsed) / runs)} | ${ms((after.rss - before.rss) / runs)} |`,
  );
  console.log(`\nHeap used against runs held by the hub while running: ${ms(perHubRun)} bytes per held run`);
}

async function printOutcomes(rig: TrellisRig, id: string) {
  const report = await rig.services.report(id);
  console.log('\n| Arm | Finished | Succeeded | TGC |\n| --- | --: | --: | --: |');
  for (const arm of report.arms) {
    const aggregate = arm.rows.find((r) => r.key === 'aggregate')!;
    console.log(
      `| ${arm.label} | ${arm.finished} | ${aggregate.tgc.successes} | ${((aggregate.tgc.rate ?? Number.NaN) * 100).toFixed(1)} % |`,
    );
  }
}

async function printReportTimes(rig: TrellisRig, id: string, calls: number) {
  const { services } = rig;
  const times: { total: number; computed: number; outcomes: number; bytes: number }[] = [];
  for (let i = 0; i < calls; i++) {
    const outcomesStarted = performance.now();
    await services.repo.outcomes(id);
    const outcomes = performance.now() - outcomesStarted;
    const started = performance.now();
    const report = await services.report(id);
    const total = performance.now() - started;
    times.push({ total, computed: report.computedMs, outcomes, bytes: JSON.stringify(report).length });
  }
  const progress: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await services.experiments.get(id);
    progress.push(performance.now() - started);
  }
  const stats = (values: number[]) =>
    `${Math.min(...values).toFixed(1)} / ${median(values).toFixed(1)} / ${Math.max(...values).toFixed(1)} ms`;
  console.log(
    `\n\`report(id)\` on the finished experiment, ${calls} calls in a row (report ${Math.round(times[0]!.bytes / 1000)} kB as JSON):\n`,
  );
  console.log('| Measure | min / median / max | Target |\n| --- | --: | --- |');
  console.log(`| \`services.report(id)\` | ${stats(times.map((t) => t.total))} | < 200 ms |`);
  console.log(
    `| of which \`computeReport\` (the report's \`computedMs\`) | ${stats(times.map((t) => t.computed))} | |`,
  );
  console.log(
    `| the items with their runs' outcomes (\`repo.outcomes(id)\`, timed alone) | ${stats(times.map((t) => t.outcomes))} | |`,
  );
  console.log(
    `| \`experiments.get(id)\`: the experiment with its progress (also each update sent to a follower) | ${stats(progress)} | |`,
  );
  console.log(`\nEvery call (ms): ${times.map((t) => t.total.toFixed(1)).join(' ')}`);
}

async function printPage(dataDir: string, id: string, opts: Options) {
  const dist = opts.webDist ?? buildWeb(path.join(dataDir, '..', 'web-dist'));
  const server = await startServer(dataDir, { TRELLIS_WEB_DIST: dist });
  const browser = await launchBrowser();
  const viewport = { width: 1280, height: 800 };
  const loads: PageLoad[] = [];
  try {
    for (let i = 0; i < opts.loads; i++) {
      loads.push(await loadReport(browser, `${server.url}/experiments/${id}`, BIG_ARMS.length, viewport));
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  const first = loads[0]!;
  console.log(
    `\nThe report page, /experiments/<id>, served by the real server (\`server/src/main.ts\`) on this data; Chromium ${browser.version()} at ${viewport.width}×${viewport.height}, ${opts.loads} loads each in a fresh browser context; the page showed ${first.shown.arms} arms, "${first.shown.legend.replace(/\s+/g, ' ').trim()}", ${first.shown.charts} charts; the report's charts start ${Math.round(first.shown.chartsTop)} px and the matrix ${Math.round(first.shown.matrixTop)} px from the top of the window. ms from navigation start; the first load is the cold one:\n`,
  );
  const columns: [string, (l: PageLoad) => number][] = [
    ['**rendered**', (l) => l.rendered],
    ['table', (l) => l.table],
    ['matrix', (l) => l.matrix],
    ['charts drawn', (l) => l.charts],
    ['charts at rest', (l) => l.chartsAtRest],
    ['first contentful paint', (l) => l.firstPaint],
    ['app script run', (l) => l.appReady],
    ['report received', (l) => l.reportReceived],
    ['items received', (l) => l.itemsReceived],
    ['charts chunk requested', (l) => l.chartsChunk[0]],
    ['charts chunk received', (l) => l.chartsChunk[1]],
  ];
  console.log(`| Load | ${columns.map(([name]) => name).join(' | ')} |`);
  console.log(`| --: | ${columns.map(() => '--:').join(' | ')} |`);
  loads.forEach((l, i) => {
    console.log(`| ${i + 1} | ${columns.map(([, f]) => ms(f(l))).join(' | ')} |`);
  });
  const warm = loads.slice(1);
  if (warm.length > 0) {
    console.log(
      `| median of ${warm.length} after the first | ${columns.map(([, f]) => ms(median(warm.map(f)))).join(' | ')} |`,
    );
  }
  console.log(`\nScript downloaded: ${Math.round(first.scriptKb)} kB; target for rendered: < 1,000 ms`);
}

/** Builds the web app into `outDir` with the repository's own Vite config (web/dist is left alone). */
function buildWeb(outDir: string): string {
  const started = performance.now();
  execFileSync(
    'pnpm',
    ['--filter', '@trellis/web', 'exec', 'vite', 'build', '--outDir', outDir, '--emptyOutDir'],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  console.error(`  web app built in ${ms(performance.now() - started)} ms`);
  return outDir;
}

async function main(dir: string): Promise<void> {
  const opts = options();
  console.log(
    `Experiments at scale on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}, load average ${loadAverage()} at the start`,
  );
  const upstream = await startUpstream([MODEL, ...BIG_ARMS.map((arm) => arm.model)]);
  const host = await startHost();
  try {
    // The long experiments first: a context closed earlier would still hold its last runs in its hub for 30 s,
    // which the first memory samples would count.
    if (opts.parts.has('report')) await bigExperiment(host, upstream, dir, opts);
    if (opts.parts.has('batch')) await batchEfficiency(host, upstream, dir, opts);
    console.log(`\nLoad average ${loadAverage()} at the end`);
  } finally {
    await host.close();
    await upstream.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-experiment-'));
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
