import fs from 'node:fs';
import type { BuiltinHost } from '../server/src/environments/builtin.ts';
import { Semaphore } from '../server/src/runs/limiter.ts';
import { ExperimentRequest, preset, type RunDetail } from '../shared/src/index.ts';
import type { TrellisRig } from './experiment-rig.ts';
import type { Upstream } from './experiment-upstream.ts';

/** One batch of N runs, each one model call of a fixed latency, 64 (or `concurrency`) at a time. */
export interface BatchResult {
  startedBy: 'experiment' | 'plain';
  runs: number;
  succeeded: number;
  wallMs: number;
  /** Of the wall time, creating the experiment (plan checked, preset saved, items stored, scheduler started). */
  createMs: number;
  /** Mean and longest run, from the engine's own clock (`totals.durationMs`). */
  meanRunMs: number;
  longestRunMs: number;
  peakInFlight: number;
  requests: number;
  /** CPU time of this process (the server's work, and this benchmark's little) per run. */
  cpuMsPerRun: number;
  /** CPU time of the sandbox's worker processes per run. */
  sandboxCpuMsPerRun: number;
}

export interface BatchPlan {
  taskIds: string[];
  repeats: number;
  concurrency: number;
  latencyMs: number;
}

/** CPU time so far of this process and of the sandbox workers, in ms (workers from /proc, 10 ms ticks). */
function cpuNow(host: BuiltinHost): { own: number; sandbox: number } {
  const usage = process.cpuUsage();
  let sandbox = 0;
  for (const worker of host.sandbox().stats().workers) {
    if (worker.pid === null) continue;
    const fields = fs.readFileSync(`/proc/${worker.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    sandbox += (Number(fields[11]) + Number(fields[12])) * 10;
  }
  return { own: (usage.user + usage.system) / 1000, sandbox };
}

const seedsOf = (repeats: number) => Array.from({ length: repeats }, (_, r) => 1_000 + r);

async function outcome(
  rig: TrellisRig,
  upstream: Upstream,
  plan: BatchPlan,
  runIds: string[],
  since: number,
  cpu: { own: number; sandbox: number },
): Promise<Omit<BatchResult, 'startedBy' | 'wallMs' | 'createMs'>> {
  const cpuEnd = cpuNow(rig.host);
  await rig.ctx.writer.flush();
  const runs: RunDetail[] = [];
  for (const id of runIds) runs.push((await rig.ctx.runs.get(id))!);
  const durations = runs.map((r) => r.totals?.durationMs ?? Number.NaN);
  const stats = await upstream.stats(since, plan.latencyMs);
  const bad = runs.find((r) => r.status !== 'succeeded');
  if (bad) throw new Error(`run ${bad.id} on ${bad.taskId} ended ${bad.status}: ${bad.error}`);
  return {
    runs: runs.length,
    succeeded: runs.filter((r) => r.status === 'succeeded').length,
    meanRunMs: durations.reduce((a, b) => a + b, 0) / durations.length,
    longestRunMs: Math.max(...durations),
    peakInFlight: stats.peakInFlight,
    requests: stats.requests,
    cpuMsPerRun: (cpuEnd.own - cpu.own) / runs.length,
    sandboxCpuMsPerRun: (cpuEnd.sandbox - cpu.sandbox) / runs.length,
  };
}

/** The runs as an experiment: react-baseline on the tasks × repeats, `concurrencyPerEndpoint` = concurrency. */
export async function experimentBatch(
  rig: TrellisRig,
  upstream: Upstream,
  plan: BatchPlan,
): Promise<BatchResult> {
  const { experiments, repo } = rig.services;
  const since = Date.now();
  const cpu = cpuNow(rig.host);
  const started = performance.now();
  const created = await experiments.create(
    ExperimentRequest.parse({
      name: 'batch efficiency',
      arms: [{ preset: 'react-baseline', endpointId: rig.endpointId }],
      tasks: { ids: plan.taskIds },
      repeats: plan.repeats,
      seeds: seedsOf(plan.repeats),
      limits: { concurrencyPerEndpoint: plan.concurrency },
    }),
  );
  const createMs = performance.now() - started;
  await experiments.settled(created.id);
  const wallMs = performance.now() - started;
  const runIds = (await repo.items(created.id)).map((item) => item.runId!);
  const result = await outcome(rig, upstream, plan, runIds, since, cpu);
  return { startedBy: 'experiment', wallMs, createMs, ...result };
}

/**
 * The same runs with no experiment machinery: `RunManager.start` for each (task, repeat) in the experiment's
 * order, at most `concurrency` at once behind a semaphore, the graph version saved beforehand.
 */
export async function plainBatch(
  rig: TrellisRig,
  upstream: Upstream,
  plan: BatchPlan,
  versionId: string,
): Promise<BatchResult> {
  const { ctx } = rig;
  const version = (await ctx.graphs.getVersion(versionId))!;
  const jobs = seedsOf(plan.repeats).flatMap((seed) => plan.taskIds.map((taskId) => ({ taskId, seed })));
  const slots = new Semaphore(plan.concurrency);
  const runIds: string[] = [];
  const since = Date.now();
  const cpu = cpuNow(rig.host);
  const started = performance.now();
  await Promise.all(
    jobs.map(async ({ taskId, seed }) => {
      const release = await slots.acquire();
      try {
        const run = await ctx.manager.start({
          version,
          taskId,
          difficulty: ctx.tasks.get(taskId)!.difficulty,
          endpointId: rig.endpointId,
          overrides: {},
          seed,
        });
        runIds.push(run.id);
        await ctx.manager.settled(run.id);
      } finally {
        release();
      }
    }),
  );
  const wallMs = performance.now() - started;
  const result = await outcome(rig, upstream, plan, runIds, since, cpu);
  return { startedBy: 'plain', wallMs, createMs: 0, ...result };
}

/** Saves react-baseline as a graph version for the plain runs, as an experiment saves its preset arm. */
export async function saveBaselineGraph(rig: TrellisRig): Promise<string> {
  const version = await rig.ctx.graphs.save({
    graph: preset('react-baseline').graph,
    message: 'preset react-baseline',
  });
  return version.id;
}
