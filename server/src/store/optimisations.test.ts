import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import { OptimisationRepo, type StoredCandidate } from './optimisations.ts';
import type { Store } from './sql.ts';

const SCORE = { rate: 0.5, low: 0.2, high: 0.8, successes: 2, n: 4 };

function candidate(index: number, fields: Partial<StoredCandidate> = {}): StoredCandidate {
  return {
    round: index,
    index,
    parentVersionId: index === 0 ? null : 'v0',
    versionId: `v${index}`,
    label: `round ${index}`,
    analysis: 'fewer steps',
    edit: [],
    status: 'running',
    reason: null,
    repairs: 0,
    problems: [],
    dryRunId: null,
    experimentId: `x${index}`,
    score: null,
    cost: null,
    reward: null,
    createdAt: '2024-01-01T00:00:00.000Z',
    state: { parentScore: null, failures: [], history: [{ round: 0, label: 'start', score: 0.25 }] },
    proposal: null,
    attempts: [{ reply: '{}', problems: [] }],
    ...fields,
  };
}

describe.each(STORE_KINDS)('optimisations in the $kind store', ({ open }) => {
  let store: Store;
  let repo: OptimisationRepo;

  beforeEach(async () => {
    store = await open();
    repo = new OptimisationRepo(store);
  });
  afterEach(async () => {
    await store.close();
  });

  const create = (id: string) => repo.create({ id, name: id, graphVersionId: 'v0', request: { rounds: 2 } });

  it('keeps an optimisation with its candidates in round order and how it ended', async () => {
    await create('o1');
    expect(await repo.get('o1')).toMatchObject({
      status: 'running',
      request: { rounds: 2 },
      finishedAt: null,
    });
    await repo.addCandidate('o1', candidate(1, { proposal: { nodes: [] }, repairs: 1 }));
    await repo.addCandidate('o1', candidate(0));
    await repo.finishCandidate('o1', 1, {
      status: 'evaluated',
      reason: null,
      score: SCORE,
      cost: 812.5,
      reward: 0.1,
    });
    expect(await repo.candidates('o1')).toEqual([
      candidate(0),
      candidate(1, {
        proposal: { nodes: [] },
        repairs: 1,
        status: 'evaluated',
        score: SCORE,
        cost: 812.5,
        reward: 0.1,
      }),
    ]);

    await repo.setConfirmation('o1', 'x9');
    await repo.setStatus('o1', 'cancelled', 'cancelled by the user');
    const optimisation = await repo.get('o1');
    expect(optimisation).toMatchObject({
      status: 'cancelled',
      stopReason: 'cancelled by the user',
      confirmationExperimentId: 'x9',
    });
    expect(optimisation?.finishedAt).not.toBeNull();
    expect(await repo.get('missing')).toBeNull();
  });

  it('lists optimisations newest first and names those still running', async () => {
    await create('o1');
    await create('o2');
    await repo.setStatus('o2', 'finished');
    expect((await repo.list()).map((o) => o.id)).toEqual(['o2', 'o1']);
    expect(await repo.list(1)).toHaveLength(1);
    expect(await repo.runningIds()).toEqual(['o1']);
  });

  it("reads a run's last event of one type alone", async () => {
    const insert = 'INSERT INTO run_events (run_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)';
    const event = (seq: number, type: string) => ({ type, runId: 'r1', seq, at: seq, note: `n${seq}` });
    for (const [seq, type] of [
      [1, 'action.executed'],
      [2, 'action.executed'],
      [3, 'run.finished'],
    ] as const) {
      await store.run(insert, ['r1', seq, type, seq, JSON.stringify(event(seq, type))]);
    }
    expect(await repo.lastEvent('r1', 'action.executed')).toEqual(event(2, 'action.executed'));
    expect(await repo.lastEvent('r1', 'node.started')).toBeNull();
    expect(await repo.lastEvent('r2', 'action.executed')).toBeNull();
  });
});
