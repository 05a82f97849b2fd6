import { preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { openDb } from './db.ts';
import { ExperimentRepo } from './experiments.ts';
import { GraphRepo } from './graphs.ts';
import { RunRepo } from './runs.ts';

const TOTALS = { steps: 1, llmCalls: 1, promptTokens: 10, completionTokens: 5, durationMs: 1, byRole: {} };

describe('experiment items in the store', () => {
  it('leaves an errored item waiting for its re-run with its errored run when the experiment stops, and skips items never run', () => {
    const db = openDb(':memory:');
    const repo = new ExperimentRepo(db);
    const runs = new RunRepo(db);
    const version = new GraphRepo(db).save({ graph: preset('react-baseline').graph, message: '' });
    const plan = {
      arms: [],
      taskSet: {},
      taskCount: 2,
      repeats: 1,
      seeds: [1],
      limits: { concurrencyPerEndpoint: 1, tokenBudget: null },
      baselineArm: 0,
      simulated: false,
    };
    const item = (taskId: string) => ({ arm: 0, taskId, scenario: 's', difficulty: 1, repeat: 0, seed: 1 });
    repo.create({ id: 'e1', name: 'e', plan, items: [item('a_1'), item('b_1')] });
    const run = (id: string, status: 'errored' | 'succeeded') => {
      runs.create({
        id,
        graphVersionId: version.id,
        graphId: version.graphId,
        graphName: 'g',
        taskId: 'a_1',
        difficulty: 1,
        seed: 1,
        request: {},
      });
      runs.markFinished(id, { status, evaluation: null, error: null, totals: TOTALS });
    };
    run('r1', 'errored');
    repo.startItem('e1', 0, 'r1');
    repo.setItemStatus('e1', 0, 'done');
    expect(repo.resetErrored('e1')).toBe(1);
    expect(repo.counts('e1')).toMatchObject({ done: 0, errored: 0, skipped: 0 });

    repo.skipPending('e1');
    const [errored, never] = repo.items('e1');
    expect(errored).toMatchObject({ status: 'done', runId: 'r1', runStatus: 'errored' });
    expect(never).toMatchObject({ status: 'skipped', runId: null });
    expect(repo.counts('e1')).toMatchObject({ total: 2, done: 2, errored: 1, skipped: 1, tokensUsed: 15 });
    db.close();
  });
});
