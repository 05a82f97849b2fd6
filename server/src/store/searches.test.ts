import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import { SearchRepo, type StoredTrial } from './searches.ts';
import type { Store } from './sql.ts';

const SCORE = { rate: 0.5, low: 0.2, high: 0.8, successes: 2, n: 4 };

function trial(index: number, fields: Partial<StoredTrial> = {}): StoredTrial {
  return {
    index,
    round: 0,
    allocation: { agent: { temperature: 0.5 } },
    key: 'agent:t=0.5',
    status: 'running',
    reason: null,
    rationale: null,
    experimentId: `x${index}`,
    graphVersionId: 'v1',
    reusedFrom: null,
    declaredCost: null,
    score: null,
    compute: null,
    tokens: null,
    ...fields,
  };
}

describe.each(STORE_KINDS)('searches in the $kind store', ({ open }) => {
  let store: Store;
  let repo: SearchRepo;

  beforeEach(async () => {
    store = await open();
    repo = new SearchRepo(store);
  });
  afterEach(async () => {
    await store.close();
  });

  const create = (id: string, evaluation: string, graphVersionId = 'v1') =>
    repo.create({ id, name: id, method: 'random', graphVersionId, request: { evaluation, budget: 3 } });

  it('keeps a search with its trials, lessons and how it ended', async () => {
    await create('s1', 'dev');
    expect(await repo.get('s1')).toMatchObject({
      status: 'running',
      method: 'random',
      request: { evaluation: 'dev', budget: 3 },
      lessons: [],
      confirmationExperimentId: null,
      finishedAt: null,
    });
    await repo.addTrial('s1', trial(1, { round: 1, declaredCost: 1.5 }));
    await repo.addTrial('s1', trial(0, { status: 'refused', reason: 'over budget', experimentId: null }));
    await repo.updateTrial('s1', 1, {
      status: 'done',
      score: SCORE,
      compute: 12.5,
      tokens: 300,
      reason: null,
    });
    expect(await repo.trials('s1')).toEqual([
      trial(0, { status: 'refused', reason: 'over budget', experimentId: null }),
      trial(1, { round: 1, declaredCost: 1.5, status: 'done', score: SCORE, compute: 12.5, tokens: 300 }),
    ]);

    await repo.setLessons('s1', [{ round: 1, text: 'cooler is better' }]);
    await repo.setConfirmation('s1', 'x9');
    await repo.setStatus('s1', 'stopped', 'budget spent');
    const search = await repo.get('s1');
    expect(search).toMatchObject({
      status: 'stopped',
      stopReason: 'budget spent',
      lessons: [{ round: 1, text: 'cooler is better' }],
      confirmationExperimentId: 'x9',
    });
    expect(search?.finishedAt).not.toBeNull();
    expect(await repo.get('missing')).toBeNull();
  });

  it('lists searches newest first and names those still running', async () => {
    await create('s1', 'dev');
    await create('s2', 'dev');
    await repo.setStatus('s1', 'finished');
    expect((await repo.list()).map((s) => s.id)).toEqual(['s2', 's1']);
    expect(await repo.list(1)).toHaveLength(1);
    expect(await repo.runningIds()).toEqual(['s2']);
  });

  it('finds a finished trial to reuse only for the same allocation, graph version and evaluation', async () => {
    await create('s1', 'dev');
    await create('s2', 'test');
    await create('s3', 'dev', 'v2');
    for (const id of ['s1', 's2', 's3']) await repo.addTrial(id, trial(0, { status: 'done', score: SCORE }));
    await repo.addTrial('s1', trial(1, { key: 'other' }));

    expect(await repo.findDone('agent:t=0.5', 'v1', 'dev')).toMatchObject({
      experimentId: 'x0',
      score: SCORE,
    });
    expect(await repo.findDone('agent:t=0.5', 'v1', 'test')).not.toBeNull();
    expect(await repo.findDone('agent:t=0.5', 'v1', 'holdout')).toBeNull();
    expect(await repo.findDone('agent:t=0.5', 'v3', 'dev')).toBeNull();
    expect(await repo.findDone('other', 'v1', 'dev')).toBeNull();
  });
});
