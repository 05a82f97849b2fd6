import path from 'node:path';
import { openStore } from '../server/src/store/db.ts';
import { GraphRepo } from '../server/src/store/graphs.ts';
import { RunRepo } from '../server/src/store/runs.ts';
import { preset } from '../shared/src/index.ts';
import { syntheticRun } from './synthetic-run.ts';

/** Writes a synthetic finished run into the store of `dataDir`, with the store's own modules; returns its id. */
export async function seedSyntheticRun(
  dataDir: string,
  steps: number,
  events: number,
  runId = `run_bench_${steps}`,
): Promise<{ runId: string; eventCount: number }> {
  const db = await openStore(path.join(dataDir, 'trellis.db'));
  try {
    const graphs = new GraphRepo(db);
    const runs = new RunRepo(db);
    const version = await graphs.save({ graph: preset('three-roles').graph, message: 'trace benchmark' });
    const run = syntheticRun(runId, version.id, steps, events);
    await runs.create({
      id: runId,
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: version.graph.name,
      taskId: 'notes_lookup_1',
      difficulty: 1,
      seed: 7,
      request: { taskId: 'notes_lookup_1' },
    });
    await runs.markStarted(runId);
    await runs.appendEvents(run.events);
    const finished = run.events.at(-1);
    if (finished?.type !== 'run.finished') throw new Error('a synthetic run ends with run.finished');
    await runs.markFinished(runId, {
      status: finished.status,
      evaluation: finished.evaluation,
      error: finished.error,
      totals: finished.totals,
    });
    return { runId, eventCount: run.events.length };
  } finally {
    await db.close();
  }
}
