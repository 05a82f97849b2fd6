import { preset } from '@trellis/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import { ExperimentRepo } from './experiments.ts';
import { GraphRepo } from './graphs.ts';
import { OptimisationRepo } from './optimisations.ts';
import { RescueRepo } from './rescues.ts';
import { RunRepo } from './runs.ts';
import { SearchRepo } from './searches.ts';
import type { Store } from './sql.ts';
import { UsersRepo } from './users.ts';

const PLAN = {
  arms: [],
  taskSet: {},
  taskCount: 0,
  repeats: 1,
  seeds: [1],
  limits: { concurrencyPerEndpoint: 1, tokenBudget: null },
  baselineArm: 0,
  simulated: false,
};

describe.each(STORE_KINDS)('authors of records on $kind', ({ open }) => {
  let store: Store;
  const ada = { id: 'usr_ada', name: 'ada' };
  beforeEach(async () => {
    store = await open();
    await new UsersRepo(store).create({
      ...ada,
      role: 'member',
      passwordHash: 'h',
      now: '2030-01-01T00:00:00Z',
    });
  });
  afterEach(async () => {
    await store.close();
  });

  it('keeps who created each graph version, run, rescue, experiment, search and optimisation', async () => {
    const graphs = new GraphRepo(store);
    const version = await graphs.save({ graph: preset('three-roles').graph, message: 'm', author: ada.id });
    const anonymous = await graphs.save({ graph: preset('react-baseline').graph, message: 'm' });
    expect(version.author).toEqual(ada);
    expect(anonymous.author).toBeNull();
    expect((await graphs.versions(version.graphId))[0]!.author).toEqual(ada);
    // Saving equal content again keeps the first author.
    expect(
      (await graphs.save({ graph: preset('react-baseline').graph, message: 'm', author: ada.id })).author,
    ).toBeNull();

    const runs = new RunRepo(store);
    const run = {
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: 'g',
      taskId: 't',
      difficulty: 1,
      seed: 1,
      request: {},
    };
    expect((await runs.create({ ...run, id: 'run_a', author: ada.id })).author).toEqual(ada);
    expect((await runs.create({ ...run, id: 'run_b' })).author).toBeNull();
    const listed = (await runs.list({ limit: 10, offset: 0 })).runs;
    expect(Object.fromEntries(listed.map((r) => [r.id, r.author]))).toEqual({ run_a: ada, run_b: null });
    expect((await runs.list({ limit: 10, offset: 0, task: 't', status: 'queued' })).total).toBe(2);

    const rescues = new RescueRepo(store);
    const rescue = {
      name: 'r',
      change: { nodes: {}, overrides: {} },
      from: 'start' as const,
      concurrency: 1,
    };
    await rescues.create({
      ...rescue,
      id: 'rsc_a',
      pairs: [{ sourceRunId: 'run_b', taskId: 't', forkStep: 1 }],
      author: ada.id,
    });
    expect((await rescues.summary('rsc_a'))?.author).toEqual(ada);
    expect((await rescues.list())[0]?.author).toEqual(ada);

    const experiments = new ExperimentRepo(store);
    await experiments.create({ id: 'exp_a', name: 'e', plan: PLAN, items: [], author: ada.id });
    await experiments.create({ id: 'exp_b', name: 'e', plan: PLAN, items: [] });
    expect((await experiments.summary('exp_a'))?.author).toEqual(ada);
    expect(Object.fromEntries((await experiments.list()).map((e) => [e.id, e.author]))).toEqual({
      exp_a: ada,
      exp_b: null,
    });

    const searches = new SearchRepo(store);
    const search = { name: 's', method: 'random' as const, graphVersionId: version.id, request: {} };
    await searches.create({ ...search, id: 'srch_a', author: ada.id });
    expect((await searches.get('srch_a'))?.author).toEqual(ada);
    expect((await searches.list())[0]?.author).toEqual(ada);

    const optimisations = new OptimisationRepo(store);
    await optimisations.create({
      id: 'opt_a',
      name: 'o',
      graphVersionId: version.id,
      request: {},
      author: ada.id,
    });
    await optimisations.create({ id: 'opt_b', name: 'o', graphVersionId: version.id, request: {} });
    expect((await optimisations.get('opt_a'))?.author).toEqual(ada);
    expect((await optimisations.get('opt_b'))?.author).toBeNull();
    expect((await optimisations.list()).map((o) => o.author?.name ?? null).sort()).toEqual(['ada', null]);
  });
});
