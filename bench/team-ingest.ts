import path from 'node:path';
import { openStore, type Store } from '../server/src/store/db.ts';
import { GraphRepo } from '../server/src/store/graphs.ts';
import { RunRepo } from '../server/src/store/runs.ts';
import { preset, type RunEvent } from '../shared/src/index.ts';
import { syntheticRun } from './synthetic-run.ts';
import { loadAverage, median } from './team-rig.ts';

export interface IngestOptions {
  rounds: number;
  /** Events per `appendEvents` call: the EventWriter's cap (2,000) and the smaller batches its 50 ms timer cuts. */
  batchSizes: number[];
}

/** Sized like a real three-roles run (bench/synthetic-run.ts): 200 steps, 5,000 events, 6.9 MB of JSON. */
const STEPS = 200;
const EVENTS = 5_000;

interface Target {
  label: string;
  store: Store;
  runs: RunRepo;
  versionId: string;
  graphId: string;
}

async function target(label: string, location: string): Promise<Target> {
  const store = await openStore(location);
  const version = await new GraphRepo(store).save({ graph: preset('three-roles').graph, message: 'ingest' });
  return { label, store, runs: new RunRepo(store), versionId: version.id, graphId: version.graphId };
}

/** Writes one run's events in batches of `batch`, one `appendEvents` (one transaction) each; ms taken. */
async function ingest(into: Target, runId: string, events: RunEvent[], batch: number): Promise<number> {
  await into.runs.create({
    id: runId,
    graphVersionId: into.versionId,
    graphId: into.graphId,
    graphName: 'Three roles',
    taskId: 'notes_lookup_1',
    difficulty: 1,
    seed: 7,
    request: {},
  });
  const own = events.map((event) => ({ ...event, runId }));
  const batches: RunEvent[][] = [];
  for (let i = 0; i < own.length; i += batch) batches.push(own.slice(i, i + batch));
  const start = performance.now();
  for (const events of batches) await into.runs.appendEvents(events);
  return performance.now() - start;
}

/**
 * Trace ingest into PostgreSQL (the team's store) and SQLite (the embedded store, a WAL file as the server opens
 * it) side by side in this process: the same synthetic events through `RunRepo.appendEvents`, a new run each time.
 */
export async function traceIngest(dir: string, postgresUrl: string, options: IngestOptions): Promise<void> {
  const events = syntheticRun('run_template', 'v', STEPS, EVENTS).events;
  const bytes = events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)), 0);
  console.log(
    `\nTrace ingest: ${events.length} events of a synthetic ${STEPS}-step run (${(bytes / 1e6).toFixed(2)} MB of ` +
      `JSON) through RunRepo.appendEvents, in batches of ${options.batchSizes.join(', ')}; ${options.rounds} rounds, ` +
      'the stores alternating which goes first.',
  );
  const targets = [
    await target('PostgreSQL', postgresUrl),
    await target('SQLite', path.join(dir, 'ingest.db')),
  ];
  const times = new Map<string, number[]>();
  try {
    for (let r = 0; r <= options.rounds; r++) {
      for (const batch of options.batchSizes) {
        const order = r % 2 === 0 ? targets : [...targets].reverse();
        for (const into of order) {
          const ms = await ingest(into, `run_ingest_${r}_${batch}`, events, batch);
          // Round 0 warms up the statements and the connections; it is not counted.
          if (r === 0) continue;
          const key = `${into.label} ${batch}`;
          times.set(key, [...(times.get(key) ?? []), ms]);
        }
      }
      if (r > 0) console.log(`  round ${r} done (load ${loadAverage()})`);
    }
  } finally {
    for (const { store } of targets) await store.close();
  }
  const rows = options.batchSizes.map((batch) => {
    const pg = median(times.get(`PostgreSQL ${batch}`)!);
    const lite = median(times.get(`SQLite ${batch}`)!);
    const perSecond = (ms: number) => Math.round((events.length / ms) * 1000).toLocaleString('en-US');
    const mbPerSecond = (ms: number) => (bytes / 1e6 / (ms / 1000)).toFixed(1);
    return {
      'batch (events)': batch,
      'PostgreSQL events/s': perSecond(pg),
      'PostgreSQL MB/s': mbPerSecond(pg),
      'SQLite events/s': perSecond(lite),
      'SQLite MB/s': mbPerSecond(lite),
      'PostgreSQL / SQLite (rate)': (lite / pg).toFixed(2),
      'ms per batch PG / SQLite': `${((pg / events.length) * batch).toFixed(2)} / ${((lite / events.length) * batch).toFixed(2)}`,
    };
  });
  console.log(`\nTrace ingest, median of ${options.rounds} rounds`);
  console.table(rows);
}
