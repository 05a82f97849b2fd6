import { preset, type RunEvent } from '@trellis/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Db, migrate, openDb } from './db.ts';
import { GraphRepo } from './graphs.ts';
import { RunRepo } from './runs.ts';

const RUN = 'run_bytes';

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

describe('RunRepo event reads', () => {
  let db: Db;
  let runs: RunRepo;
  beforeEach(() => {
    db = openDb(':memory:');
    runs = new RunRepo(db);
    const version = new GraphRepo(db).save({ graph: preset('react-baseline').graph, message: 'test' });
    runs.create({
      id: RUN,
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: version.graph.name,
      taskId: 't',
      difficulty: null,
      seed: 1,
      request: {},
    });
    runs.appendEvents(events());
  });
  afterEach(() => db.close());

  it('serves the stored events as the bytes of one JSON array, non-ASCII text intact', () => {
    const bytes = runs.eventsJsonBytes(RUN);
    expect(bytes.toString('utf8')).toBe(JSON.stringify(events()));
    expect(JSON.parse(runs.eventsJson(RUN))).toEqual(events());
  });

  it('starts after a sequence number, and is an empty array past the end or for an unknown run', () => {
    expect(JSON.parse(runs.eventsJson(RUN, 2))).toEqual(events().slice(2));
    expect(runs.eventsJsonBytes(RUN, 4).toString('utf8')).toBe('[]');
    expect(runs.eventsJsonBytes('run_missing').toString('utf8')).toBe('[]');
  });

  it('leaves out the deltas of answered calls and the messages of requests when compact', () => {
    const compact = JSON.parse(runs.eventsJson(RUN, 0, true)) as RunEvent[];
    expect(compact.map((e) => e.seq)).toEqual([1, 2, 4]);
    const request = compact[1];
    if (request?.type !== 'llm.request') throw new Error('no request');
    expect(request.messages).toEqual([]);
    expect(request.omitted?.messages).toBe(2);
  });
});

describe('RunRepo models', () => {
  let db: Db;
  let runs: RunRepo;
  const request = (seq: number, model: string): RunEvent => {
    const first = events()[1]!;
    if (first.type !== 'llm.request') throw new Error('no request');
    return { ...first, seq, callId: `call_${seq}`, model };
  };
  beforeEach(() => {
    db = openDb(':memory:');
    runs = new RunRepo(db);
    const version = new GraphRepo(db).save({ graph: preset('three-roles').graph, message: 'test' });
    runs.create({
      id: RUN,
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: version.graph.name,
      taskId: 't',
      difficulty: null,
      seed: 1,
      request: {},
    });
  });
  afterEach(() => db.close());

  it('lists the models a run called, each once, in the order first called, across batches', () => {
    expect(runs.get(RUN)?.models).toEqual([]);
    runs.appendEvents([request(1, 'simulated-small'), request(2, 'simulated-small'), request(3, 'qwen3-8b')]);
    runs.appendEvents([request(4, 'qwen3-8b'), request(5, 'simulated-large')]);
    expect(runs.get(RUN)?.models).toEqual(['simulated-small', 'qwen3-8b', 'simulated-large']);
    expect(runs.list({ limit: 10, offset: 0 }).runs[0]?.models).toEqual([
      'simulated-small',
      'qwen3-8b',
      'simulated-large',
    ]);
  });

  it('fills in the models of runs recorded before the store kept them', () => {
    runs.appendEvents([request(1, 'simulated-small'), request(2, 'qwen3-8b'), request(3, 'simulated-small')]);
    db.exec('DELETE FROM schema_migrations WHERE version = 4');
    db.exec('ALTER TABLE runs DROP COLUMN models');
    migrate(db);
    expect(runs.get(RUN)?.models).toEqual(['simulated-small', 'qwen3-8b']);
  });
});
