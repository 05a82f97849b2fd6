import { type Evaluation, preset, type RunEvent, type RunTotals } from '@trellis/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import { migrate, openStore, type Store } from './db.ts';
import { GraphRepo } from './graphs.ts';
import { RunRepo } from './runs.ts';

const RUN = 'run_bytes';
const TOTALS: RunTotals = {
  steps: 4,
  llmCalls: 4,
  promptTokens: 40,
  completionTokens: 12,
  durationMs: 100,
  byRole: {},
};
const EVALUATION: Evaluation = { success: true, difficulty: null, numTests: 1, passes: [], failures: [] };

function events(): RunEvent[] {
  const base = { runId: RUN, at: 1_700_000_000_000 };
  return [
    { ...base, seq: 1, type: 'step.started', step: 1 },
    {
      ...base,
      seq: 2,
      type: 'llm.request',
      step: 1,
      nodeId: 'agent',
      role: 'agent',
      callId: 'call_1',
      endpointId: 'ep_1',
      model: 'm',
      messages: [
        { role: 'system', content: 'context ≤ 6,000 tokens' },
        { role: 'user', content: 'Résumé "quoted" \\ back\nslash' },
      ],
      params: {},
    },
    {
      ...base,
      seq: 3,
      type: 'llm.delta',
      step: 1,
      nodeId: 'agent',
      callId: 'call_1',
      text: 'Ça',
      reasoning: '',
    },
    {
      ...base,
      seq: 4,
      type: 'llm.response',
      step: 1,
      nodeId: 'agent',
      role: 'agent',
      callId: 'call_1',
      text: 'Ça va — 日本語',
      reasoning: '',
      usage: { promptTokens: 10, completionTokens: 3, totalTokens: 13 },
      ttftMs: 1,
      latencyMs: 2,
      finishReason: 'stop',
      error: null,
    },
  ];
}

async function createRun(store: Store, preset_: Parameters<typeof preset>[0], id = RUN): Promise<RunRepo> {
  const runs = new RunRepo(store);
  const version = await new GraphRepo(store).save({ graph: preset(preset_).graph, message: 'test' });
  await runs.create({
    id,
    graphVersionId: version.id,
    graphId: version.graphId,
    graphName: version.graph.name,
    taskId: 't',
    difficulty: null,
    seed: 1,
    request: {},
  });
  return runs;
}

function request(seq: number, model: string): RunEvent {
  const first = events()[1]!;
  if (first.type !== 'llm.request') throw new Error('no request');
  return { ...first, seq, callId: `call_${seq}`, model };
}

describe.each(STORE_KINDS)('RunRepo on $kind', ({ open }) => {
  let store: Store;
  afterEach(async () => {
    await store.close();
  });

  describe('event reads', () => {
    let runs: RunRepo;
    beforeEach(async () => {
      store = await open();
      runs = await createRun(store, 'react-baseline');
      await runs.appendEvents(events());
    });

    it('serves the stored events as the bytes of one JSON array, non-ASCII text intact', async () => {
      const bytes = await runs.eventsJsonBytes(RUN);
      expect(bytes.toString('utf8')).toBe(JSON.stringify(events()));
      expect(JSON.parse(await runs.eventsJson(RUN))).toEqual(events());
    });

    it('starts after a sequence number, and is an empty array past the end or for an unknown run', async () => {
      expect(JSON.parse(await runs.eventsJson(RUN, 2))).toEqual(events().slice(2));
      expect((await runs.eventsJsonBytes(RUN, 4)).toString('utf8')).toBe('[]');
      expect((await runs.eventsJsonBytes('run_missing')).toString('utf8')).toBe('[]');
    });

    it('leaves out the deltas of answered calls and the messages of requests when compact', async () => {
      const compact = JSON.parse(await runs.eventsJson(RUN, 0, true)) as RunEvent[];
      expect(compact.map((e) => e.seq)).toEqual([1, 2, 4]);
      const request = compact[1];
      if (request?.type !== 'llm.request') throw new Error('no request');
      expect(request.messages).toEqual([]);
      const original = events()[1];
      if (original?.type !== 'llm.request') throw new Error('no request');
      expect(request.omitted).toEqual({ messages: 2, chars: JSON.stringify(original.messages).length });
      const { messages: _messages, ...rest } = original;
      expect(request).toMatchObject(rest);
    });

    it('keeps the deltas of a call still streaming when compact', async () => {
      const delta = events()[2]!;
      await runs.appendEvents([{ ...delta, seq: 5, callId: 'call_2' } as RunEvent]);
      const compact = JSON.parse(await runs.eventsJson(RUN, 0, true)) as RunEvent[];
      expect(compact.map((e) => e.seq)).toEqual([1, 2, 4, 5]);
    });

    it('reads single events and pages of events', async () => {
      expect(await runs.event(RUN, 3)).toEqual(events()[2]);
      expect(await runs.event(RUN, 9)).toBeNull();
      expect(await runs.events(RUN)).toEqual(events());
      expect(await runs.events(RUN, 1, 2)).toEqual(events().slice(1, 3));
    });

    it('counts the events of a run up to the highest sequence number stored', async () => {
      expect((await runs.get(RUN))?.eventCount).toBe(4);
      // A batch that arrives late never lowers the count.
      await runs.appendEvents([{ runId: RUN, at: 1, seq: 0, type: 'step.started', step: 0 } as RunEvent]);
      expect((await runs.get(RUN))?.eventCount).toBe(4);
    });

    it('stores none of a batch when one of its events cannot be stored', async () => {
      const next: RunEvent = { runId: RUN, at: 1, seq: 5, type: 'step.started', step: 2 };
      const duplicate = { ...events()[0]!, at: 2 };
      await expect(runs.appendEvents([next, duplicate])).rejects.toThrow();
      expect(await runs.event(RUN, 5)).toBeNull();
      expect((await runs.get(RUN))?.eventCount).toBe(4);
    });
  });

  describe('models', () => {
    let runs: RunRepo;
    beforeEach(async () => {
      store = await open();
      runs = await createRun(store, 'three-roles');
    });

    it('lists the models a run called, each once, in the order first called, across batches', async () => {
      expect((await runs.get(RUN))?.models).toEqual([]);
      await runs.appendEvents([
        request(1, 'simulated-small'),
        request(2, 'simulated-small'),
        request(3, 'qwen3-8b'),
      ]);
      await runs.appendEvents([request(4, 'qwen3-8b'), request(5, 'simulated-large')]);
      expect((await runs.get(RUN))?.models).toEqual(['simulated-small', 'qwen3-8b', 'simulated-large']);
      expect((await runs.list({ limit: 10, offset: 0 })).runs[0]?.models).toEqual([
        'simulated-small',
        'qwen3-8b',
        'simulated-large',
      ]);
    });

    it('keeps the models of each run apart in one batch', async () => {
      await createRun(store, 'three-roles', 'run_other');
      await runs.appendEvents([
        request(1, 'a'),
        { ...request(1, 'b'), runId: 'run_other' },
        request(2, 'b'),
        { ...request(2, 'b'), runId: 'run_other' },
      ]);
      expect((await runs.get(RUN))?.models).toEqual(['a', 'b']);
      expect((await runs.get('run_other'))?.models).toEqual(['b']);
      expect((await runs.get('run_other'))?.eventCount).toBe(2);
    });
  });

  describe('lifecycle and lists', () => {
    let runs: RunRepo;
    beforeEach(async () => {
      store = await open();
      runs = await createRun(store, 'react-baseline');
    });

    it('records a run from queued to finished', async () => {
      const created = await runs.get(RUN);
      expect(created).toMatchObject({ status: 'queued', steps: 0, success: null, eventCount: 0, seed: 1 });
      await runs.markStarted(RUN);
      await runs.markStep(RUN, 3);
      expect(await runs.get(RUN)).toMatchObject({ status: 'running', steps: 3 });
      await runs.markFinished(RUN, {
        status: 'succeeded',
        evaluation: EVALUATION,
        error: null,
        totals: TOTALS,
      });
      const finished = await runs.get(RUN);
      expect(finished).toMatchObject({
        status: 'succeeded',
        success: true,
        steps: 4,
        totals: TOTALS,
        evaluation: EVALUATION,
        error: null,
      });
      expect(finished?.finishedAt).not.toBeNull();
      expect(await runs.get('run_missing')).toBeNull();
    });

    it('marks the runs left in flight as interrupted, and only those', async () => {
      await createRun(store, 'react-baseline', 'run_started');
      await runs.markStarted('run_started');
      await createRun(store, 'react-baseline', 'run_done');
      await runs.markFinished('run_done', {
        status: 'failed',
        evaluation: null,
        error: 'x',
        totals: TOTALS,
      });
      expect((await runs.markInterrupted('stopped')).sort()).toEqual([RUN, 'run_started'].sort());
      expect(await runs.get('run_started')).toMatchObject({ status: 'interrupted', error: 'stopped' });
      expect(await runs.get('run_done')).toMatchObject({ status: 'failed', error: 'x' });
      expect(await runs.markInterrupted()).toEqual([]);
    });

    it('lists runs newest first, filtered and paged, with the total', async () => {
      await createRun(store, 'react-baseline', 'run_2');
      await createRun(store, 'react-baseline', 'run_3');
      await runs.markStarted('run_3');
      const all = await runs.list({ limit: 10, offset: 0 });
      expect(all.total).toBe(3);
      expect(all.runs.map((r) => r.id)).toEqual(['run_3', 'run_2', RUN]);
      expect(all.runs[0]).not.toHaveProperty('seed');
      const page = await runs.list({ limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 3, runs: [{ id: 'run_2' }] });
      const running = await runs.list({ status: 'running', limit: 10, offset: 0 });
      expect(running.total).toBe(1);
      expect(running.runs.map((r) => r.id)).toEqual(['run_3']);
      const byGraph = await runs.list({ graph: all.runs[0]!.graphName, task: 't', limit: 10, offset: 0 });
      expect(byGraph.total).toBe(3);
      expect((await runs.list({ task: 'other', limit: 10, offset: 0 })).total).toBe(0);
    });
  });
});

describe('RunRepo models on a store from before they were kept', () => {
  let store: Store;
  beforeEach(async () => {
    store = await openStore(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  // SQLite only: PostgreSQL stores began after the models column, so they have no earlier runs to fill in.
  it('fills in the models of runs recorded before the store kept them', async () => {
    const runs = await createRun(store, 'three-roles');
    await runs.appendEvents([
      request(1, 'simulated-small'),
      request(2, 'qwen3-8b'),
      request(3, 'simulated-small'),
    ]);
    await store.exec('DELETE FROM schema_migrations WHERE version = 4');
    await store.exec('ALTER TABLE runs DROP COLUMN models');
    await migrate(store);
    expect((await runs.get(RUN))?.models).toEqual(['simulated-small', 'qwen3-8b']);
  });
});
