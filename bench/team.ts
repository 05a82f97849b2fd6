/**
 * The team deployment (PostgreSQL store, runs queued for `trellis worker` processes) against the embedded
 * single-process mode (SQLite, runs in the web server), side by side on one machine:
 *
 * - trace ingest: the same synthetic events through `RunRepo.appendEvents` into each store, in this process;
 * - live event latency: runs followed over SSE from the web server while they execute (on a worker, or in the
 *   embedded server), from the event's `at` to its frame received;
 * - runs per second through the queue with 1, 2 and 4 workers, against the embedded server at the same
 *   concurrency, with model calls of a known latency (the scripted test server in its own process).
 *
 *   node --import tsx bench/team.ts [--only ingest,latency,throughput] [--runs 96] [--rounds 2]   (pnpm bench:team)
 *
 * A throwaway PostgreSQL cluster (server/src/testing/postgres-cluster.ts) is started for the run. Every process
 * started is stopped and every temporary file removed at the end, also on failure or SIGINT/SIGTERM.
 */
import os from 'node:os';
import { traceIngest } from './team-ingest.ts';
import { liveLatency } from './team-latency.ts';
import {
  benchTempDir,
  Cleanup,
  createDatabase,
  loadAverage,
  startCluster,
  startModel,
  Team,
} from './team-rig.ts';
import { throughput } from './team-throughput.ts';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

const PARTS = new Set((arg('--only') ?? 'ingest,latency,throughput').split(','));
const RUNS = Number(arg('--runs') ?? 96);
const ROUNDS = Number(arg('--rounds') ?? 2);
/** Runs each worker executes at once. */
const CONCURRENCY = 4;

async function main(cleanup: Cleanup): Promise<void> {
  const dir = benchTempDir(cleanup);
  console.log(
    `Team benchmarks on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, node ${process.version}, load average ` +
      `${loadAverage()} at the start. Every process (PostgreSQL, the web servers, the workers, the test server, ` +
      'this one) shares these CPUs.',
  );
  const cluster = await startCluster(cleanup);
  if (PARTS.has('ingest')) {
    await traceIngest(dir, await createDatabase(cluster, 'ingest'), {
      rounds: Math.max(ROUNDS, 5),
      batchSizes: [2_000, 100, 10],
    });
  }
  if (PARTS.has('latency') || PARTS.has('throughput')) {
    const model = await startModel(cleanup);
    const team = await Team.start(
      cleanup,
      cluster,
      await createDatabase(cluster, 'trellis'),
      model,
      CONCURRENCY,
    );
    if (PARTS.has('latency')) {
      await liveLatency(cleanup, team, model, {
        runs: Math.min(RUNS, 48),
        steps: 8,
        rounds: ROUNDS,
        workers: 2,
        concurrency: CONCURRENCY,
      });
    }
    if (PARTS.has('throughput')) {
      await throughput(cleanup, team, model, {
        runs: RUNS,
        steps: 4,
        rounds: ROUNDS,
        workerCounts: [1, 2, 4],
        concurrency: CONCURRENCY,
      });
    }
  }
  console.log(`\nLoad average ${loadAverage()} at the end`);
}

const cleanup = new Cleanup();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void cleanup.run().finally(() => process.exit(130));
  });
}
try {
  await main(cleanup);
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanup.run();
}
