import fs from 'node:fs';
import { collectGarbage } from '../server/src/testing/gc.ts';
import { SYSTEM_MARKERS } from '../server/src/testing/run.ts';
import type { ScriptEntry } from '../server/src/testserver/script.ts';
import { allTasks } from '../server/src/world/index.ts';
import { ABLATION_PRESETS, ExperimentRequest, type PresetId } from '../shared/src/index.ts';
import { agentReply, giveUp, solution, type TrellisRig } from './experiment-rig.ts';

/**
 * The four ablation presets, each on a model name of its own so the scripted server can answer each arm with its
 * own share of solved tasks (the script matches on the model); every run is one model call either way, since
 * neither the summarizer nor the corrector (after a failure only) has anything to do in a one-step run.
 */
export const BIG_ARMS: { preset: PresetId; model: string; solved: number; errored: number }[] = [
  { preset: ABLATION_PRESETS[0]!, model: 'bench-react', solved: 0.45, errored: 0.02 },
  { preset: ABLATION_PRESETS[1]!, model: 'bench-summarizer', solved: 0.5, errored: 0.02 },
  { preset: ABLATION_PRESETS[2]!, model: 'bench-corrector', solved: 0.6, errored: 0.01 },
  { preset: ABLATION_PRESETS[3]!, model: 'bench-three', solved: 0.7, errored: 0.01 },
];

/** A number in [0, 1) fixed by the text (FNV-1a), so every arm's outcome on a task is the same on every run. */
function unit(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0) / 2 ** 32;
}

/** The tasks and repeats for `runs` items over the four arms. */
export function bigShape(runs: number): { taskIds: string[]; repeats: number } {
  const tasks = allTasks();
  const perArm = runs / BIG_ARMS.length;
  const repeats = Math.max(1, Math.ceil(perArm / tasks.length));
  const count = perArm / repeats;
  if (!Number.isInteger(perArm) || !Number.isInteger(count)) {
    throw new Error(`--big-runs must split evenly over ${BIG_ARMS.length} arms and a whole number of tasks`);
  }
  return { taskIds: tasks.slice(0, count).map((t) => t.id), repeats };
}

/** Each arm's replies: its share of tasks solved, a few answered with an HTTP error, the rest given up. */
export function bigScript(taskIds: string[]): ScriptEntry[] {
  const entries = BIG_ARMS.flatMap((arm) =>
    taskIds.map((taskId) => {
      const draw = unit(`${arm.model}:${taskId}`);
      if (draw < arm.errored) {
        return agentReply(
          taskId,
          { error: { status: 400, message: 'the prompt is too long (scripted)' } },
          arm.model,
        );
      }
      return agentReply(
        taskId,
        { content: draw < arm.errored + arm.solved ? solution(taskId) : giveUp() },
        arm.model,
      );
    }),
  );
  const review = 'NO CHANGE\nDiagnosis: the code does what the task asks.';
  return [
    ...entries,
    { repeat: true, match: { system: SYSTEM_MARKERS.corrector }, reply: { content: review } },
  ];
}

export function bigRequest(rig: TrellisRig, taskIds: string[], repeats: number, concurrency: number) {
  return ExperimentRequest.parse({
    name: `ablation, ${taskIds.length} tasks × ${repeats} repeats`,
    arms: BIG_ARMS.map((arm) => ({ preset: arm.preset, endpointId: rig.endpointId, model: arm.model })),
    tasks: { ids: taskIds },
    repeats,
    seeds: Array.from({ length: repeats }, (_, r) => 7 + r),
    limits: { concurrencyPerEndpoint: concurrency },
  });
}

export interface MemorySample {
  label: string;
  done: number;
  elapsedMs: number;
  heapUsed: number;
  /** The heap V8 has reserved (used or not). */
  heapTotal: number;
  /** Memory outside the heap held by JavaScript objects (buffers). */
  external: number;
  rss: number;
  /** The store's file with its write-ahead log: SQLite's page cache (up to 64 MB, db.ts) fills as it grows. */
  dbBytes: number;
  /** Runs whose events the live hub still holds (it keeps a finished run's for 30 s). */
  hubRuns: number;
}

const fileSize = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

const hubRuns = (rig: TrellisRig) => (rig.ctx.hub as unknown as { live: Map<string, unknown> }).live.size;

/** After a full collection: what the process holds. */
export function sampleMemory(rig: TrellisRig, label: string, done: number, startedAt: number): MemorySample {
  collectGarbage();
  const usage = process.memoryUsage();
  return {
    label,
    done,
    elapsedMs: performance.now() - startedAt,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    rss: usage.rss,
    dbBytes: ['', '-wal'].reduce((n, suffix) => n + fileSize(`${rig.dbFile}${suffix}`), 0),
    hubRuns: hubRuns(rig),
  };
}

/**
 * Runs the experiment to its end, sampling memory each time another `every` items are done (checked every 25 ms
 * from a timer, so nothing follows the experiment and adds work to it), then once the hub has let go of every
 * run.
 */
export async function runWithSamples(
  rig: TrellisRig,
  request: ReturnType<typeof bigRequest>,
  every: number,
): Promise<{ id: string; wallMs: number; samples: MemorySample[]; drainMs: number }> {
  const { experiments, repo } = rig.services;
  const samples: MemorySample[] = [];
  const startedAt = performance.now();
  samples.push(sampleMemory(rig, 'before', 0, startedAt));
  const created = await experiments.create(request);
  let next = every;
  let reading = false;
  const timer = setInterval(() => {
    // One count in flight at a time: a slow answer must not pile reads onto the store it measures.
    if (reading) return;
    reading = true;
    void repo
      .counts(created.id)
      .then(({ done }) => {
        if (done >= next) {
          samples.push(sampleMemory(rig, 'running', done, startedAt));
          next = (Math.floor(done / every) + 1) * every;
        }
      })
      // A sample missed is taken at the next tick.
      .catch(() => undefined)
      .finally(() => {
        reading = false;
      });
  }, 25);
  await experiments.settled(created.id);
  clearInterval(timer);
  const wallMs = performance.now() - startedAt;
  await rig.ctx.writer.flush();
  samples.push(sampleMemory(rig, 'finished', (await repo.counts(created.id)).done, startedAt));
  const drainStarted = performance.now();
  while (hubRuns(rig) > 0 && performance.now() - drainStarted < 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const drainMs = performance.now() - drainStarted;
  samples.push(sampleMemory(rig, 'hub emptied', (await repo.counts(created.id)).done, startedAt));
  return { id: created.id, wallMs, samples, drainMs };
}

/** Least-squares slope of y against x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const sxy = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxx === 0 ? Number.NaN : sxy / sxx;
}
