import {
  type Graph,
  type Optimisation,
  type OptimisationSummary,
  type OptimiserRoundLine,
  preset,
  SseParser,
} from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetaAgentScript, type OptimiserApp, startOptimiserApp } from '../testing/optimiser.ts';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';
import { optimiserService } from './services.ts';

/**
 * Eight level-1/2 dev tasks. At seed 7 the simulated small model solves 2 of them with the ReAct baseline (also at
 * temperature 0.2), 7 once a corrector reviews its code, and none with a step limit of 2.
 */
const TASKS = [
  'notes_pin_1',
  'todo_complete_1',
  'notes_count_tag_1',
  'music_like_song_1',
  'wallet_balance_1',
  'mail_send_1',
  'phone_number_of_1',
  'files_passport_1',
];

type ErrorBody = { error: { code: string; message: string } };

/** A meta-agent reply proposing a whole graph (in the compact form it is shown). */
const graphReply = (label: string, graph: Record<string, unknown>) =>
  JSON.stringify({ analysis: `analysis for ${label}`, label, graph });
/** A meta-agent reply proposing settings by node id and dotted key. */
const settingsReply = (label: string, settings: Record<string, Record<string, unknown>>) =>
  `Here is my proposal.\n\`\`\`json\n${JSON.stringify({ analysis: `analysis for ${label}`, label, settings })}\n\`\`\``;

/** The ReAct baseline with an edge to a node that does not exist: the schema passes, validation does not. */
const DANGLING = graphReply('dangling edge', {
  edges: [
    { id: 'agent->executor', from: 'agent', to: 'executor', when: { type: 'always' } },
    { id: 'agent->ghost', from: 'agent', to: 'ghost', when: { type: 'on_error' } },
  ],
});
const COOLER = settingsReply('cooler agent', { agent: { 'llm.params.temperature': 0.2 } });
/** A corrector between the agent and the executor, its config left to its kind's defaults. */
const CORRECTOR = graphReply('add a corrector', {
  nodes: [
    { id: 'agent', kind: 'agent' },
    { id: 'corrector', kind: 'corrector', label: 'Corrector' },
    { id: 'executor', kind: 'executor' },
  ],
  edges: [
    { id: 'agent->corrector', from: 'agent', to: 'corrector', when: { type: 'always' } },
    { id: 'corrector->executor', from: 'corrector', to: 'executor', when: { type: 'always' } },
  ],
});
const TWO_STEPS = graphReply('two steps', { limits: { maxSteps: 2 } });

/** A reply the test releases when it chooses: the optimisation stays in its proposing phase until then. */
function heldReply(): { reply: () => Promise<string>; release: (text: string | Error) => void } {
  let release: (text: string | Error) => void = () => undefined;
  const held = new Promise<string>((resolve, reject) => {
    release = (text) => (text instanceof Error ? reject(text) : resolve(text));
  });
  return { reply: () => held, release };
}

describe('scaffold optimiser', () => {
  const script = new MetaAgentScript();
  let model: TestServer;
  let t: OptimiserApp;

  beforeAll(async () => {
    model = await startSimulatedServer({ presets: [SIMULATED_PRESETS.small!], timeScale: 0 });
    t = await startOptimiserApp({ modelUrl: model.url, defaultModel: 'simulated-small', script });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await model?.close();
  });

  async function baseVersion(name: string): Promise<string> {
    const graph: Graph = { ...preset('react-baseline').graph, name };
    return (await t.ctx.graphs.save({ graph, message: name })).id;
  }

  function body(graphVersionId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      graphVersionId,
      endpointId: t.endpointId,
      tasks: { ids: TASKS },
      seeds: [7],
      rounds: 3,
      metaAgent: { endpointId: t.endpointId },
      failureSamples: 3,
      ...extra,
    };
  }

  async function post(url: string, payload?: Record<string, unknown>) {
    return t.app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
  }

  async function get<T>(url: string): Promise<T> {
    const res = await t.app.inject({ url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as T;
  }

  async function start(payload: Record<string, unknown>): Promise<string> {
    const res = await post('/api/optimisations', payload);
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as Optimisation).id;
  }

  async function optimised(payload: Record<string, unknown>): Promise<Optimisation> {
    const id = await start(payload);
    await optimiserService(t.ctx).settled(id);
    return get<Optimisation>(`/api/optimisations/${id}`);
  }

  it('repairs an invalid proposal, keeps the best of three rounds, rewards each round, and exports the rounds', async () => {
    script.play(DANGLING, COOLER, CORRECTOR, TWO_STEPS);
    const base = await baseVersion('optimised baseline');
    const optimisation = await optimised(body(base, { name: 'three rounds' }));

    expect(optimisation).toMatchObject({
      status: 'finished',
      stopReason: null,
      roundsDone: 3,
      simulated: true,
    });
    const [start, cooler, corrector, twoSteps] = optimisation.candidates;
    expect(optimisation.candidates).toHaveLength(4);
    expect(start).toMatchObject({
      round: 0,
      parentVersionId: null,
      versionId: base,
      status: 'evaluated',
      reward: null,
      dryRunId: null,
      score: { successes: 2, n: 8 },
    });
    // Round 1: the dangling edge is refused by validation, and the repair (settings) is valid.
    expect(cooler).toMatchObject({
      round: 1,
      parentVersionId: base,
      label: 'cooler agent',
      analysis: 'analysis for cooler agent',
      status: 'evaluated',
      repairs: 1,
      edit: [{ path: 'nodes.agent.llm.params.temperature', before: 0.7, after: 0.2 }],
      score: { successes: 2, n: 8 },
    });
    expect(cooler!.problems).toEqual([
      { attempt: 0, stage: 'validation', message: expect.stringContaining("'ghost'") },
    ]);
    // It only ties the starting graph (same score, same tokens): no reward, and the best is still round 0.
    expect(cooler!.reward).toBe(0);
    expect(corrector).toMatchObject({
      round: 2,
      parentVersionId: base,
      status: 'evaluated',
      repairs: 0,
      problems: [],
      score: { successes: 7, n: 8 },
      reward: 1,
    });
    expect(corrector!.edit.map((c) => c.path)).toEqual(
      expect.arrayContaining(['nodes.corrector', 'edges.agent->corrector', 'edges.agent->executor']),
    );
    // Round 3 edits the best so far (round 2) and does worse than both it and the previous round.
    expect(twoSteps).toMatchObject({
      round: 3,
      parentVersionId: corrector!.versionId,
      status: 'evaluated',
      edit: [{ path: 'limits.maxSteps', before: 40, after: 2 }],
      score: { successes: 0, n: 8 },
      reward: 0,
    });
    expect(optimisation.best).toMatchObject({ round: 2, versionId: corrector!.versionId });
    expect(optimisation.best!.score.rate).toBeCloseTo(7 / 8);
    expect(optimisation.baseline).toMatchObject({ versionId: base, score: { successes: 2 } });
    expect(optimisation.progress).toMatchObject({
      roundsDone: 3,
      roundsRequested: 3,
      round: null,
      phase: null,
    });

    // Each candidate is a version of the optimised graph whose parent is the graph it edits; the head stays put.
    for (const candidate of optimisation.candidates.slice(1)) {
      const version = (await t.ctx.graphs.getVersion(candidate.versionId!))!;
      expect(version.parentId).toBe(candidate.parentVersionId);
      expect(version.graphId).toBe((await t.ctx.graphs.getVersion(base))!.graphId);
      // Each was dry-run once on the first dev task before it was scored.
      const dryRun = (await t.ctx.runs.get(candidate.dryRunId!))!;
      expect(dryRun).toMatchObject({ taskId: 'notes_pin_1', graphVersionId: candidate.versionId });
      expect(dryRun.status).not.toBe('errored');
      const experiment = await get<{ taskSet: { ids: string[] } }>(
        `/api/experiments/${candidate.experimentId}`,
      );
      expect([...experiment.taskSet.ids].sort()).toEqual([...TASKS].sort());
    }
    const graphId = (await t.ctx.graphs.getVersion(base))!.graphId;
    expect((await t.ctx.graphs.getGraph(graphId))!.headVersionId).toBe(base);

    // What the meta-agent was shown: the repair turn carries the problem; later rounds see failures and history.
    expect(script.conversations).toHaveLength(4);
    const repair = script.conversations[1]!;
    expect(repair.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repair[3]!.content).toMatch(/'ghost'[\s\S]*repair 1 of 3/);
    const round2 = script.conversations[2]![1]!.content;
    expect(round2).toMatch(/best graph so far \(round 0\): dev TGC 25\.0 %/);
    expect(round2).toMatch(/Failed dev runs \(3 of 6\)/);
    expect(round2).toMatch(/cause: /);
    expect(round2).toMatch(/round 1 "cooler agent": TGC 25\.0 %/);
    const round3 = script.conversations[3]![1]!.content;
    expect(round3).toMatch(/best graph so far \(round 2\): dev TGC 87\.5 %/);
    expect(round3).toContain('"kind":"corrector"');

    // The rounds as training lines.
    const res = await t.app.inject({ url: `/api/optimisations/${optimisation.id}/rounds.jsonl` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
    expect(res.headers['content-disposition']).toContain('three-rounds-rounds-simulated.jsonl');
    const lines = res.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OptimiserRoundLine);
    expect(lines.map((l) => [l.round, l.valid, l.repairs, l.reward, l.score, l.simulated])).toEqual([
      [1, true, 1, 0, 0.25, true],
      [2, true, 0, 1, 0.875, true],
      [3, true, 0, 0, 0, true],
    ]);
    expect(lines[0]!.attempts).toEqual([
      { reply: DANGLING, problems: [expect.stringContaining("'ghost'")] },
      { reply: COOLER, problems: [] },
    ]);
    expect(lines[0]!.state).toMatchObject({ versionId: base, score: 0.25, history: [] });
    expect(lines[1]!.state.failures).toHaveLength(3);
    expect(lines[1]!.state.failures[0]).toMatchObject({
      instruction: expect.any(String),
      cause: expect.any(String),
    });
    expect(lines[2]!.state.graph).toMatchObject({
      nodes: expect.arrayContaining([expect.objectContaining({ kind: 'corrector' })]),
    });
    expect(lines[2]!.proposal).toMatchObject({ label: 'two steps', graph: { limits: { maxSteps: 2 } } });

    // Only now may the best meet the test split, once.
    const confirmed = await post(`/api/optimisations/${optimisation.id}/confirm`);
    expect(confirmed.statusCode, confirmed.body).toBe(201);
    expect((confirmed.json() as { arms: { graphVersionId: string }[] }).arms[0]!.graphVersionId).toBe(
      corrector!.versionId,
    );
    const again = await post(`/api/optimisations/${optimisation.id}/confirm`);
    expect(again.statusCode).toBe(409);
    const saved = await post(`/api/optimisations/${optimisation.id}/save-best`);
    expect(saved.statusCode, saved.body).toBe(201);
    expect((await t.ctx.graphs.getGraph(graphId))!.headVersionId).toBe(corrector!.versionId);
    const list = await get<{ optimisations: OptimisationSummary[] }>('/api/optimisations');
    expect(list.optimisations.find((o) => o.id === optimisation.id)?.confirmation).toMatchObject({
      experimentId: (confirmed.json() as { id: string }).id,
    });
  }, 120_000);

  it('skips a round whose proposal is still refused after three repairs, and goes on from the best', async () => {
    script.play(
      'I think the agent should be more careful.',
      settingsReply('no change', { agent: { 'llm.params.temperature': 0.7 } }),
      settingsReply('unknown node', { planner: { 'llm.params.temperature': 0.1 } }),
      graphReply('unknown kind', { nodes: [{ id: 'planner', kind: 'planner' }] }),
      TWO_STEPS,
    );
    const base = await baseVersion('skipped round');
    const optimisation = await optimised(body(base, { rounds: 2 }));

    expect(optimisation.status).toBe('finished');
    const skipped = optimisation.candidates[1]!;
    expect(skipped).toMatchObject({
      round: 1,
      status: 'invalid',
      repairs: 3,
      versionId: null,
      experimentId: null,
      reward: 0,
      reason: expect.stringContaining('the round was skipped'),
    });
    expect(skipped.problems.map((p) => [p.attempt, p.stage])).toEqual([
      [0, 'reply'],
      [1, 'duplicate'],
      [2, 'schema'],
      [3, 'schema'],
    ]);
    expect(skipped.problems[1]!.message).toMatch(/changes nothing/);
    expect(skipped.problems[2]!.message).toMatch(/no node 'planner'/);
    expect(skipped.problems[3]!.message).toMatch(/^node 'planner'/);
    // Round 2 still edits the starting graph, the best so far.
    expect(optimisation.candidates[2]).toMatchObject({
      round: 2,
      parentVersionId: base,
      status: 'evaluated',
    });
    expect(optimisation.best).toMatchObject({ round: 0, versionId: base });
    const lines = (await t.app.inject({ url: `/api/optimisations/${optimisation.id}/rounds.jsonl` })).body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OptimiserRoundLine);
    expect(lines[0]).toMatchObject({ valid: false, repairs: 3, reward: 0, score: null, status: 'invalid' });
    expect(lines[0]!.attempts).toHaveLength(4);
  }, 120_000);

  it('refuses bad input with the cause named, creating nothing', async () => {
    const base = await baseVersion('bad input');
    const before = (await get<{ optimisations: unknown[] }>('/api/optimisations')).optimisations.length;
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [body('gv_missing'), 404, 'not_found', /graph version 'gv_missing' does not exist/],
      [body(base, { tasks: { split: 'test' } }), 400, 'not_dev', /dev split only/],
      [body(base, { tasks: { ids: ['notes_pin_1', 'notes_create_1'] } }), 400, 'not_dev', /notes_create_1/],
      [
        body(base, { metaAgent: { endpointId: 'nowhere' } }),
        422,
        'unknown_endpoint',
        /meta-agent endpoint 'nowhere'/,
      ],
      [body(base, { rounds: 0 }), 400, 'invalid_request', /rounds/],
      [body(base, { rounds: 31 }), 400, 'invalid_request', /rounds/],
    ];
    for (const [payload, status, code, message] of cases) {
      const res = await post('/api/optimisations', payload);
      expect(res.statusCode, res.body).toBe(status);
      const { error } = res.json() as ErrorBody;
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
    }
    const after = (await get<{ optimisations: unknown[] }>('/api/optimisations')).optimisations.length;
    expect(after).toBe(before);
    for (const route of ['', '/rounds.jsonl', '/events']) {
      const res = await t.app.inject({ url: `/api/optimisations/opt_nothing${route}` });
      expect(res.statusCode).toBe(404);
    }
    expect((await post('/api/optimisations/opt_nothing/confirm')).statusCode).toBe(404);
  });

  it('stops cleanly when the meta-agent fails mid-run, keeping the finished rounds; confirm waits for the end', async () => {
    const held = heldReply();
    script.play(COOLER, held.reply);
    const id = await start(body(await baseVersion('meta-agent failure')));
    await expect.poll(() => script.conversations.length, { timeout: 60_000 }).toBe(2);

    const running = await get<Optimisation>(`/api/optimisations/${id}`);
    expect(running).toMatchObject({ status: 'running', progress: { round: 2, phase: 'proposing' } });
    expect(running.progress.ratePerMinute).toBeGreaterThan(0);
    expect(running.progress.etaMs).toBeGreaterThan(0);
    const refused = await post(`/api/optimisations/${id}/confirm`);
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as ErrorBody).error.code).toBe('optimisation_running');

    held.release(new Error('502 Bad Gateway'));
    await optimiserService(t.ctx).settled(id);
    const stopped = await get<Optimisation>(`/api/optimisations/${id}`);
    expect(stopped).toMatchObject({
      status: 'stopped',
      stopReason: 'the meta-agent failed in round 2: 502 Bad Gateway',
      roundsDone: 1,
    });
    expect(stopped.candidates.map((c) => [c.round, c.status])).toEqual([
      [0, 'evaluated'],
      [1, 'evaluated'],
    ]);
    expect(stopped.finishedAt).not.toBeNull();
    // The finished rounds can still be confirmed and exported.
    expect((await post(`/api/optimisations/${id}/confirm`)).statusCode).toBe(201);
    const lines = (await t.app.inject({ url: `/api/optimisations/${id}/rounds.jsonl` })).body
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1);
  }, 120_000);

  it('cancels while the meta-agent is thinking, and streams its progress as server-sent events', async () => {
    const held = heldReply();
    script.play(held.reply);
    const id = await start(body(await baseVersion('cancelled'), { rounds: 1 }));
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const stream = fetch(`${base}/api/optimisations/${id}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    await expect.poll(() => script.conversations.length, { timeout: 60_000 }).toBe(1);

    const cancelled = await post(`/api/optimisations/${id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    held.release(COOLER);
    await optimiserService(t.ctx).settled(id);
    const res = await stream;
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const frames = new SseParser().push(await res.text()).messages;
    expect(frames.at(-1)).toMatchObject({ event: 'end', data: JSON.stringify({ status: 'cancelled' }) });
    const phases = frames
      .filter((f) => f.event === 'optimisation')
      .map((f) => (JSON.parse(f.data) as Optimisation).progress.phase);
    expect(phases).toContain('proposing');
    expect(frames.some((f) => f.event === 'candidate')).toBe(true);

    const optimisation = await get<Optimisation>(`/api/optimisations/${id}`);
    expect(optimisation.status).toBe('cancelled');
    expect(optimisation.candidates.map((c) => c.round)).toEqual([0]);
    expect((await post(`/api/optimisations/${id}/cancel`)).statusCode).toBe(409);
  }, 120_000);

  it('leaves a round skipped, without a reward, when cancelled while it is scored', async () => {
    script.play(COOLER);
    const id = await start(body(await baseVersion('cancelled while scored'), { rounds: 2 }));
    const service = optimiserService(t.ctx);
    const unfollow = service.follow(id, (update) => {
      if (update.candidate?.round === 1 && update.candidate.status === 'running') {
        unfollow?.();
        service.cancel(id);
      }
    });
    await service.settled(id);

    const optimisation = await get<Optimisation>(`/api/optimisations/${id}`);
    expect(optimisation.status).toBe('cancelled');
    expect(optimisation.candidates[1]).toMatchObject({
      round: 1,
      status: 'skipped',
      reward: null,
      reason: expect.stringContaining('cancelled'),
    });
    const experiment = await get<{ status: string }>(
      `/api/experiments/${optimisation.candidates[1]!.experimentId}`,
    );
    expect(experiment.status).toBe('cancelled');
    expect(optimisation.best).toMatchObject({ round: 0 });
  }, 120_000);
});
