import { preset } from '@trellis/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import { type ExperimentPlan, ExperimentRepo, type NewItem } from './experiments.ts';
import { GraphRepo } from './graphs.ts';
import { RunRepo } from './runs.ts';
import type { Store } from './sql.ts';

const TOTALS = { steps: 1, llmCalls: 1, promptTokens: 10, completionTokens: 5, durationMs: 1, byRole: {} };

const PLAN: ExperimentPlan = {
  arms: [],
  taskSet: {},
  taskCount: 2,
  repeats: 1,
  seeds: [1],
  limits: { concurrencyPerEndpoint: 1, tokenBudget: null },
  baselineArm: 0,
  simulated: false,
};

const item = (taskId: string): NewItem => ({
  arm: 0,
  taskId,
  scenario: 's',
  difficulty: 1,
  repeat: 0,
  seed: 1,
});

describe.each(STORE_KINDS)('experiment items in the $kind store', ({ open }) => {
  let store: Store;
  let repo: ExperimentRepo;
  let runs: RunRepo;
  let version: { id: string; graphId: string };

  beforeEach(async () => {
    store = await open();
    repo = new ExperimentRepo(store);
    runs = new RunRepo(store);
    version = await new GraphRepo(store).save({ graph: preset('react-baseline').graph, message: '' });
  });
  afterEach(async () => {
    await store.close();
  });

  async function run(id: string, status: 'errored' | 'succeeded'): Promise<void> {
    await runs.create({
      id,
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: 'g',
      taskId: 'a_1',
      difficulty: 1,
      seed: 1,
      request: {},
    });
    await runs.markFinished(id, { status, evaluation: null, error: null, totals: TOTALS });
  }

  it('leaves an errored item waiting for its re-run with its errored run when the experiment stops, and skips items never run', async () => {
    await repo.create({ id: 'e1', name: 'e', plan: PLAN, items: [item('a_1'), item('b_1')] });
    await run('r1', 'errored');
    await repo.startItem('e1', 0, 'r1');
    await repo.setItemStatus('e1', 0, 'done');
    expect(await repo.resetErrored('e1')).toBe(1);
    expect(await repo.counts('e1')).toMatchObject({ done: 0, errored: 0, skipped: 0 });

    await repo.skipPending('e1');
    const [errored, never] = await repo.items('e1');
    expect(errored).toMatchObject({ status: 'done', runId: 'r1', runStatus: 'errored' });
    expect(never).toMatchObject({ status: 'skipped', runId: null });
    expect(await repo.counts('e1')).toEqual({
      total: 2,
      done: 2,
      running: 0,
      skipped: 1,
      succeeded: 0,
      errored: 1,
      tokensUsed: 15,
    });
  });

  it('keeps the runs an item had before, in order, when it is re-run or fails to start', async () => {
    await repo.create({ id: 'e1', name: 'e', plan: PLAN, items: [item('a_1')] });
    await run('r1', 'errored');
    await run('r2', 'succeeded');
    await repo.startItem('e1', 0, 'r1');
    await repo.startItem('e1', 0, 'r2');
    expect(await repo.item('e1', 0)).toMatchObject({
      status: 'running',
      runId: 'r2',
      runStatus: 'succeeded',
      attempts: 2,
      previousRunIds: ['r1'],
    });

    await repo.failItem('e1', 0, 'the endpoint is gone');
    expect(await repo.item('e1', 0)).toMatchObject({
      status: 'done',
      runId: null,
      attempts: 3,
      previousRunIds: ['r1', 'r2'],
      error: 'the endpoint is gone',
    });
    expect(await repo.item('e1', 1)).toBeNull();
    expect(await repo.experimentOf('r2')).toBeNull();
    expect(await repo.counts('e1')).toMatchObject({ done: 1, errored: 1, tokensUsed: 0 });
  });

  it('joins each item to its run outcome and finds the experiment a run belongs to', async () => {
    await repo.create({ id: 'e1', name: 'e', plan: PLAN, items: [item('a_1'), item('b_1')] });
    await run('r1', 'succeeded');
    await repo.startItem('e1', 0, 'r1');
    await repo.setItemStatus('e1', 0, 'done');
    await repo.failItem('e1', 1, 'no endpoint');

    const [ran, failed] = await repo.outcomes('e1');
    expect(ran).toMatchObject({ taskId: 'a_1', runId: 'r1', success: null, runError: null, steps: 1 });
    expect(ran?.totals).toEqual(TOTALS);
    expect(ran?.models).toEqual([]);
    expect(failed).toMatchObject({
      taskId: 'b_1',
      runId: null,
      success: null,
      runError: 'no endpoint',
      steps: 0,
    });
    expect(failed?.totals).toBeNull();
    expect(await repo.experimentOf('r1')).toBe('e1');
    expect(await repo.counts('e1')).toMatchObject({
      total: 2,
      done: 2,
      succeeded: 1,
      errored: 1,
      tokensUsed: 15,
    });
  });

  it('summarises experiments newest first, marks one simulated by its runs, and records how it ended', async () => {
    await repo.create({ id: 'e1', name: 'first', plan: PLAN, items: [item('a_1')] });
    await repo.create({ id: 'e2', name: 'second', plan: PLAN, items: [item('a_1'), item('b_1')] });
    expect((await repo.list()).map((e) => e.id)).toEqual(['e2', 'e1']);
    expect(await repo.list(1)).toHaveLength(1);
    expect((await repo.runningIds()).sort()).toEqual(['e1', 'e2']);
    expect(await repo.plan('e1')).toEqual(PLAN);
    expect(await repo.plan('missing')).toBeNull();
    expect(await repo.summary('missing')).toBeNull();

    await run('r1', 'succeeded');
    await store.run('UPDATE runs SET models = ? WHERE id = ?', [JSON.stringify(['simulated-fast']), 'r1']);
    await repo.startItem('e2', 1, 'r1');
    await repo.setStatus('e2', 'stopped', 'token budget');
    expect(await repo.summary('e2')).toMatchObject({
      name: 'second',
      status: 'stopped',
      stopReason: 'token budget',
      simulated: true,
      total: 2,
      done: 0,
    });
    expect((await repo.summary('e2'))?.finishedAt).not.toBeNull();
    expect(await repo.summary('e1')).toMatchObject({ simulated: false, finishedAt: null, total: 1 });
    expect(await repo.runningIds()).toEqual(['e1']);
  });

  it('keeps inference-server samples in time order', async () => {
    await repo.create({ id: 'e1', name: 'e', plan: PLAN, items: [] });
    const sample = (at: number, source: string | null) => ({
      at,
      endpointId: 'ep',
      source,
      requestsRunning: 3,
      requestsWaiting: null,
      kvCacheUsage: 0.25,
      prefixCacheHitRate: null,
    });
    await repo.addSamples('e1', [sample(2000.5, 'metrics'), sample(1000, null)]);
    await repo.addSamples('e1', []);
    expect(await repo.samples('e1')).toEqual([sample(1000, null), sample(2000.5, 'metrics')]);
    expect(await repo.counts('e1')).toEqual({
      total: 0,
      done: 0,
      running: 0,
      skipped: 0,
      succeeded: 0,
      errored: 0,
      tokensUsed: 0,
    });
  });
});
