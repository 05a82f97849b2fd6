import { setTimeout as delay } from 'node:timers/promises';
import {
  type Experiment,
  type ExperimentItem,
  type ExperimentProgress,
  type ExperimentReport,
  ExperimentRequest,
  SseParser,
} from '@trellis/shared';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExperimentRepo } from '../store/experiments.ts';
import { pythonBlock, SYSTEM_MARKERS, type TestRun, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';
import { eventually } from '../testing/wait.ts';
import { metricsText } from '../testserver/dialects.ts';
import type { ScriptReply } from '../testserver/script.ts';
import { SIMULATED_PRESETS } from '../testserver/simulated/index.ts';
import { allTasks } from '../world/index.ts';
import { SIMULATED_NOTICE } from './export.ts';
import { readSample } from './sampler.ts';
import { ExperimentService } from './service.ts';
import { experimentServices } from './services.ts';

type ErrorBody = { error: { code: string; message: string } };

/** The experiments API of a TestRun's app, through `inject`. */
function experimentsApi(r: TestRun) {
  const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await r.t.app.inject({ method, url, ...(payload ? { payload } : {}) });
    const json = String(res.headers['content-type'] ?? '').startsWith('application/json');
    return { status: res.statusCode, body: json ? res.json() : null, headers: res.headers, text: res.body };
  };
  const api = {
    create: (body: object) => inject('POST', '/api/experiments', body),
    action: (id: string, action: 'cancel' | 'rerun-errored') =>
      inject('POST', `/api/experiments/${id}/${action}`),
    get: async (id: string) => (await inject('GET', `/api/experiments/${id}`)).body as Experiment,
    list: async () =>
      ((await inject('GET', '/api/experiments')).body as { experiments: unknown[] }).experiments,
    items: async (id: string) =>
      ((await inject('GET', `/api/experiments/${id}/items`)).body as { items: ExperimentItem[] }).items,
    report: async (id: string) =>
      (await inject('GET', `/api/experiments/${id}/report`)).body as ExperimentReport,
    file: (id: string, name: string) => inject('GET', `/api/experiments/${id}/${name}`),
    /** Waits until the experiment is no longer worked on, then reads it. */
    settled: async (id: string) => {
      await experimentServices(r.t.ctx).experiments.settled(id);
      return api.get(id);
    },
    /** Creates an experiment and expects it to be accepted. */
    start: async (body: object) => {
      const created = await api.create(body);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return created.body as Experiment;
    },
  };
  return api;
}

/** Scripted replies that solve each task in one step, with extra reply fields (pacing, usage, a fault). */
function solveEach(r: TestRun, taskIds: readonly string[], extra: Partial<ScriptReply> = {}): void {
  r.server.script(
    taskIds.map((id) => ({
      repeat: true,
      match: { system: SYSTEM_MARKERS.agent, contains: task(id).instruction },
      reply: { content: pythonBlock(task(id).solution), ...extra },
    })),
  );
}

/** The tasks named by the agent requests the scripted server received, in the order they arrived. */
function requestedTasks(r: TestRun, taskIds: readonly string[]): string[] {
  return r
    .requests()
    .filter((request) => request.role === 'agent')
    .map((request) => {
      const text = request.messages.map((m) => m.content).join('\n');
      return taskIds.find((id) => text.includes(task(id).instruction)) ?? '?';
    });
}

/** Parses CSV as `toCsv` writes it: quoted fields may hold commas, quotes and newlines. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
    } else field += c;
  }
  return rows;
}

const FINISHED = ['succeeded', 'failed', 'errored'];

describe('experiments over HTTP, against the simulated model', () => {
  const r = useTestRun(
    { simulated: { presets: [SIMULATED_PRESETS.small!], timeScale: 0 } },
    { resetEach: false },
  );
  const api = experimentsApi(r);

  const validArm = () => ({ preset: 'react-baseline', endpointId: r.endpointId });
  const testScenario = () => allTasks().find((t) => t.split === 'test')!.scenario;
  const saveGraph = async (graph: unknown) => {
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/graphs/versions',
      payload: { graph, message: 'for a test' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };

  it.each<[string, () => Promise<object>, number, RegExp]>([
    [
      'no arms',
      async () => ({ arms: [], tasks: { ids: ['notes_pin_1'] } }),
      400,
      /an experiment needs at least one arm/,
    ],
    [
      'a task set that matches no task',
      async () => ({ arms: [validArm()], tasks: { split: 'dev', scenarios: [testScenario()] } }),
      400,
      /no task matches the task set/,
    ],
    ['an empty list of task ids', async () => ({ arms: [validArm()], tasks: { ids: [] } }), 400, /ids/],
    [
      'an arm whose graph cannot run',
      async () => {
        const graph = r.graph('react-baseline', (_nodes, g) => {
          g.edges.push({ ...g.edges[0]!, id: 'agent->nowhere', to: 'nowhere' });
        });
        const graphVersionId = await saveGraph(graph);
        return {
          arms: [validArm(), { graphVersionId, endpointId: r.endpointId }],
          tasks: { ids: ['notes_pin_1'] },
        };
      },
      422,
      /arm 2 \(.+\): the graph cannot run: .*'nowhere'/,
    ],
    [
      'an unknown graph version',
      async () => ({
        arms: [{ graphVersionId: 'gv_nope', endpointId: r.endpointId }],
        tasks: { ids: ['notes_pin_1'] },
      }),
      404,
      /arm 1: graph version 'gv_nope' does not exist/,
    ],
    [
      'unknown task ids',
      async () => ({ arms: [validArm()], tasks: { ids: ['notes_pin_1', 'nope_1', 'nope_2'] } }),
      400,
      /unknown task ids: nope_1, nope_2/,
    ],
    [
      'a budget of zero tokens',
      async () => ({ arms: [validArm()], tasks: { ids: ['notes_pin_1'] }, limits: { tokenBudget: 0 } }),
      400,
      /tokenBudget/,
    ],
    [
      'seeds that do not match the repeats',
      async () => ({ arms: [validArm()], tasks: { ids: ['notes_pin_1'] }, repeats: 2, seeds: [1, 2, 3] }),
      400,
      /give one seed per repeat: 2 repeat\(s\), 3 seed\(s\)/,
    ],
    [
      'a baseline arm out of range',
      async () => ({ arms: [validArm()], tasks: { ids: ['notes_pin_1'] }, baselineArm: 1 }),
      400,
      /baselineArm 1 is not one of the 1 arm\(s\)/,
    ],
    [
      'an unknown endpoint in an arm',
      async () => ({
        arms: [validArm(), { preset: 'three-roles', endpointId: 'ep_nope' }],
        tasks: { ids: ['notes_pin_1'] },
      }),
      422,
      /arm 2 \(.+\): .*ep_nope/,
    ],
  ])('refuses %s with a message naming it, and creates nothing', async (_name, body, status, says) => {
    const request = await body();
    const before = {
      experiments: (await api.list()).length,
      runs: (await r.t.ctx.runs.list({ limit: 1, offset: 0 })).total,
      graphs: (await r.t.ctx.graphs.list()).length,
    };
    const res = await api.create(request);
    expect(res.status, res.text).toBe(status);
    expect((res.body as ErrorBody).error.message).toMatch(says);
    expect({
      experiments: (await api.list()).length,
      runs: (await r.t.ctx.runs.list({ limit: 1, offset: 0 })).total,
      graphs: (await r.t.ctx.graphs.list()).length,
    }).toEqual(before);
  });

  it('reports what its items show, and labels every export as simulated', async () => {
    const created = await api.start({
      arms: [validArm(), { preset: 'three-roles', endpointId: r.endpointId }],
      tasks: { ids: ['notes_pin_1', 'todo_complete_1'] },
      seeds: [7],
      limits: { concurrencyPerEndpoint: 2 },
    });
    const experiment = await api.settled(created.id);
    expect(experiment).toMatchObject({ status: 'finished', simulated: true, total: 4, done: 4 });
    const items = await api.items(experiment.id);
    const report = await api.report(experiment.id);
    for (const arm of [0, 1]) {
      const mine = items.filter((item) => item.arm === arm);
      const finished = mine.filter((item) => FINISHED.includes(item.runStatus ?? '')).length;
      const succeeded = mine.filter((item) => item.runStatus === 'succeeded').length;
      const tgc = report.arms[arm]!.rows.find((row) => row.key === 'aggregate')!.tgc;
      expect(report.arms[arm]!.finished).toBe(finished);
      expect({ successes: tgc.successes, n: tgc.n }).toEqual({ successes: succeeded, n: finished });
      expect(tgc.rate).toBe(finished === 0 ? null : succeeded / finished);
    }
    expect(report.simulated).toBe(true);

    const csv = await api.file(experiment.id, 'export.csv');
    expect(csv.headers['content-disposition']).toMatch(/filename=".+-simulated\.csv"$/);
    const [header, ...rows] = parseCsv(csv.text);
    expect(rows).toHaveLength(items.length);
    const column = (name: string) => rows.map((row) => row[header!.indexOf(name)]);
    expect(column('simulated')).toEqual(['true', 'true', 'true', 'true']);
    expect(column('run_id')).toEqual(items.map((item) => item.runId));
    expect(column('task_id')).toEqual(['notes_pin_1', 'notes_pin_1', 'todo_complete_1', 'todo_complete_1']);

    const md = await api.file(experiment.id, 'report.md');
    expect(md.headers['content-disposition']).toMatch(/-simulated\.md"$/);
    expect(md.text.indexOf(SIMULATED_NOTICE)).toBeGreaterThan(-1);
    expect(md.text.indexOf(SIMULATED_NOTICE)).toBeLessThan(md.text.indexOf('| Scaffold'));

    const json = await api.file(experiment.id, 'export.json');
    expect(json.body).toMatchObject({ simulated: true, notice: SIMULATED_NOTICE });
    expect((json.body as { runs: unknown[] }).runs).toHaveLength(items.length);
  });

  it("samples the inference server's load while an experiment runs", async () => {
    const ctx = r.t.ctx;
    const service = new ExperimentService({
      ...ctx,
      experiments: new ExperimentRepo(ctx.db),
      sampleIntervalMs: 50,
    });
    const created = await service.create(
      ExperimentRequest.parse({
        arms: [validArm()],
        tasks: { ids: ['notes_pin_1', 'notes_pin_2', 'todo_complete_1'] },
        seeds: [3],
        limits: { concurrencyPerEndpoint: 1 },
      }),
    );
    await service.settled(created.id);
    const { endpoints, samples } = await service.samples(created.id);
    expect(endpoints).toEqual([{ id: r.endpointId, name: 'scripted', source: 'vllm' }]);
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      expect(sample.endpointId).toBe(r.endpointId);
      expect(sample.requestsRunning).toEqual(expect.any(Number));
      expect(sample.kvCacheUsage).toEqual(expect.any(Number));
    }
  });
});

describe('experiments over HTTP, against the scripted server', () => {
  const r = useTestRun();
  const api = experimentsApi(r);
  const TASKS = ['notes_pin_1', 'notes_pin_2', 'todo_complete_1'] as const;
  const twoArms = () => [
    { preset: 'react-baseline', label: 'first', endpointId: r.endpointId },
    { preset: 'react-baseline', label: 'second', endpointId: r.endpointId },
  ];
  let base = '';
  beforeAll(async () => {
    base = await r.t.app.listen({ port: 0, host: '127.0.0.1' });
  });

  it('interleaves the arms task by task, never more than the bound in flight per endpoint', async () => {
    solveEach(r, TASKS, { firstTokenMs: 150 });
    const created = await api.start({
      arms: twoArms(),
      tasks: { ids: [...TASKS] },
      seeds: [1],
      limits: { concurrencyPerEndpoint: 2 },
    });
    let most = 0;
    for (;;) {
      const items = await api.items(created.id);
      most = Math.max(most, items.filter((item) => item.status === 'running').length);
      if ((await api.get(created.id)).status !== 'running') break;
      await delay(15);
    }
    expect(most).toBe(2);
    const experiment = await api.settled(created.id);
    expect(experiment.status).toBe('finished');
    const items = await api.items(created.id);
    expect(items.map((item) => [item.position, item.taskId, item.arm])).toEqual([
      [0, 'notes_pin_1', 0],
      [1, 'notes_pin_1', 1],
      [2, 'notes_pin_2', 0],
      [3, 'notes_pin_2', 1],
      [4, 'todo_complete_1', 0],
      [5, 'todo_complete_1', 1],
    ]);
    expect(items.every((item) => item.status === 'done' && item.runStatus === 'succeeded')).toBe(true);
    expect(requestedTasks(r, TASKS)).toEqual([
      'notes_pin_1',
      'notes_pin_1',
      'notes_pin_2',
      'notes_pin_2',
      'todo_complete_1',
      'todo_complete_1',
    ]);
  });

  it('stops cleanly once the token budget is spent, keeping the finished runs', async () => {
    solveEach(r, TASKS, { usage: { promptTokens: 1_000, completionTokens: 10 } });
    const created = await api.start({
      arms: twoArms(),
      tasks: { ids: TASKS.slice(0, 2) },
      seeds: [1],
      limits: { concurrencyPerEndpoint: 1, tokenBudget: 1_500 },
    });
    const experiment = await api.settled(created.id);
    expect(experiment.status).toBe('stopped');
    expect(experiment.stopReason).toBe('token budget of 1,500 spent (2,020 used)');
    expect(experiment.progress).toMatchObject({ total: 4, done: 4, succeeded: 2, tokensUsed: 2_020 });
    const items = await api.items(created.id);
    expect(items.map((item) => [item.status, item.runStatus])).toEqual([
      ['done', 'succeeded'],
      ['done', 'succeeded'],
      ['skipped', null],
      ['skipped', null],
    ]);
    const report = await api.report(created.id);
    expect(report.status).toBe('stopped');
    for (const arm of report.arms) {
      expect(arm.finished).toBe(1);
      expect(arm.rows.find((row) => row.key === 'aggregate')!.tgc).toMatchObject({ successes: 1, n: 1 });
      expect(arm.cost.runs).toBe(1);
    }
  });

  it('refuses to re-run errored items once the budget is spent, leaving them errored', async () => {
    const ids = ['notes_pin_1', 'notes_pin_2', 'notes_pin_3', 'todo_complete_1'];
    r.server.script({
      repeat: true,
      match: { system: SYSTEM_MARKERS.agent, contains: task('notes_pin_2').instruction },
      reply: { fault: 'http_500' },
    });
    solveEach(r, ids, { usage: { promptTokens: 1_000, completionTokens: 10 } });
    const created = await api.start({
      arms: [twoArms()[0]!],
      tasks: { ids },
      seeds: [1],
      limits: { concurrencyPerEndpoint: 1, tokenBudget: 1_500 },
    });
    const stopped = await api.settled(created.id);
    expect(stopped.status).toBe('stopped');
    expect(stopped.progress.errored).toBe(1);
    const rerun = await api.action(created.id, 'rerun-errored');
    expect(rerun.status).toBe(409);
    expect((rerun.body as ErrorBody).error.message).toMatch(
      /has spent its token budget of 1,500 \(.+ used\)/,
    );
    const after = await api.get(created.id);
    expect(after.status).toBe('stopped');
    expect(after.progress.errored).toBe(1);
    expect((await api.items(created.id)).map((item) => item.status)).toEqual([
      'done',
      'done',
      'done',
      'skipped',
    ]);
  });

  it('cancels: runs in flight end cancelled, the rest are skipped, and a second cancel conflicts', async () => {
    solveEach(r, TASKS, { firstTokenMs: 30_000 });
    const created = await api.start({
      arms: twoArms(),
      tasks: { ids: TASKS.slice(0, 2) },
      seeds: [1],
      limits: { concurrencyPerEndpoint: 2 },
    });
    await eventually(() =>
      expect(r.server.requests().filter((q) => q.outcome === 'pending')).toHaveLength(2),
    );
    const cancelled = await api.action(created.id, 'cancel');
    expect(cancelled.status).toBe(200);
    const experiment = await api.settled(created.id);
    expect(experiment.status).toBe('cancelled');
    const items = await api.items(created.id);
    expect(items.map((item) => [item.status, item.runStatus])).toEqual([
      ['done', 'cancelled'],
      ['done', 'cancelled'],
      ['skipped', null],
      ['skipped', null],
    ]);
    const again = await api.action(created.id, 'cancel');
    expect(again.status).toBe(409);
    expect((again.body as ErrorBody).error.message).toMatch(/is not running \(status: cancelled\)/);
  });

  it('runs the errored items again, keeping their earlier run, and reports the new runs', async () => {
    solveEach(r, ['notes_pin_1']);
    r.server.script({
      repeat: true,
      match: { system: SYSTEM_MARKERS.agent, contains: task('notes_pin_2').instruction },
      reply: { fault: 'http_500' },
    });
    const created = await api.start({
      arms: [twoArms()[0]!],
      tasks: { ids: TASKS.slice(0, 2) },
      seeds: [1],
      limits: { concurrencyPerEndpoint: 2 },
    });
    const first = await api.settled(created.id);
    expect(first.status).toBe('finished');
    expect(first.progress).toMatchObject({ done: 2, succeeded: 1, errored: 1 });
    const [, erroredBefore] = await api.items(created.id);
    expect(erroredBefore).toMatchObject({ taskId: 'notes_pin_2', runStatus: 'errored', attempts: 1 });
    expect(
      (await api.report(created.id)).arms[0]!.rows.find((row) => row.key === 'aggregate')!.tgc,
    ).toMatchObject({ successes: 1, n: 2 });

    r.server.reset();
    solveEach(r, TASKS.slice(0, 2), { firstTokenMs: 200 });
    const rerun = await api.action(created.id, 'rerun-errored');
    expect(rerun.status).toBe(200);
    expect((rerun.body as Experiment).status).toBe('running');
    const whileRunning = await api.action(created.id, 'rerun-errored');
    expect(whileRunning.status).toBe(409);
    expect((whileRunning.body as ErrorBody).error.message).toMatch(/is still running/);

    const second = await api.settled(created.id);
    expect(second.status).toBe('finished');
    expect(second.progress).toMatchObject({ done: 2, succeeded: 2, errored: 0 });
    const items = await api.items(created.id);
    expect(items[0]).toMatchObject({ runStatus: 'succeeded', attempts: 1 });
    expect(items[1]).toMatchObject({ runStatus: 'succeeded', attempts: 2 });
    expect(items[1]!.runId).not.toBe(erroredBefore!.runId);
    expect(requestedTasks(r, TASKS)).toEqual(['notes_pin_2']);
    const exported = (await api.file(created.id, 'export.json')).body as {
      runs: { previousRunIds: string[]; attempts: number }[];
    };
    expect(exported.runs.map((run) => run.previousRunIds)).toEqual([[], [erroredBefore!.runId]]);
    const report = await api.report(created.id);
    expect(report.arms[0]!.rows.find((row) => row.key === 'aggregate')!.tgc).toMatchObject({
      successes: 2,
      n: 2,
    });
    expect(report.arms[0]!.failures).toEqual([]);

    const nothing = await api.action(created.id, 'rerun-errored');
    expect(nothing.status).toBe(409);
    expect((nothing.body as ErrorBody).error.message).toMatch(/has no errored runs/);
  });

  it('streams progress, items and the end as server-sent events', async () => {
    solveEach(r, TASKS, { firstTokenMs: 100 });
    const created = await api.start({
      arms: twoArms(),
      tasks: { ids: TASKS.slice(0, 2) },
      seeds: [1],
      limits: { concurrencyPerEndpoint: 1 },
    });
    const res = await fetch(`${base}/api/experiments/${created.id}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const parser = new SseParser();
    const frames: { event: string | undefined; data: unknown }[] = [];
    for await (const chunk of res.body!) {
      for (const message of parser.push(chunk).messages)
        frames.push({ event: message.event, data: JSON.parse(message.data) });
    }
    for (const message of parser.finish().messages)
      frames.push({ event: message.event, data: JSON.parse(message.data) });

    expect(frames.at(-1)).toEqual({ event: 'end', data: { status: 'finished' } });
    const done = frames.filter((f) => f.event === 'progress').map((f) => (f.data as ExperimentProgress).done);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(new Set(done).size).toBeGreaterThan(1);
    expect(done.at(-1)).toBe(4);
    const items = frames.filter((f) => f.event === 'item').map((f) => f.data as ExperimentItem);
    expect(items.some((item) => item.status === 'running')).toBe(true);
    expect(items.filter((item) => item.status === 'done').map((item) => item.position)).toContain(3);

    // Once it has ended, the stream says where it stands and ends at once.
    const late = await fetch(`${base}/api/experiments/${created.id}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    const lateFrames = new SseParser().push(await late.text()).messages;
    expect(lateFrames.map((m) => m.event)).toEqual(['progress', 'end']);
    expect(JSON.parse(lateFrames[0]!.data)).toMatchObject({ status: 'finished', done: 4, total: 4 });
    // Without text/event-stream, the same route answers the progress as JSON.
    const plain = await r.t.app.inject({ url: `/api/experiments/${created.id}/events` });
    expect(plain.json()).toMatchObject({ experimentId: created.id, status: 'finished', done: 4, total: 4 });
  });

  it('answers 404 naming the experiment on every route when it does not exist', async () => {
    const routes: ['GET' | 'POST', string][] = [
      ['GET', ''],
      ['GET', '/items'],
      ['GET', '/report'],
      ['GET', '/servers'],
      ['GET', '/events'],
      ['GET', '/export.csv'],
      ['GET', '/export.json'],
      ['GET', '/report.md'],
      ['POST', '/cancel'],
      ['POST', '/rerun-errored'],
    ];
    for (const [method, suffix] of routes) {
      const res = await r.t.app.inject({ method, url: `/api/experiments/exp_nope${suffix}` });
      expect(res.statusCode, `${method} ${suffix}`).toBe(404);
      expect((res.json() as ErrorBody).error.message).toBe("experiment 'exp_nope' does not exist");
    }
  });
});

describe('reading an inference server sample', () => {
  const vllm = (prefixQueries: number, prefixHits: number) =>
    metricsText('vllm', {
      model: 'm',
      running: 3,
      waiting: 1,
      kvCacheUsage: 0.25,
      prefixQueries,
      prefixHits,
    });

  it("reads vLLM's gauges and turns its prefix-cache counters into the hit rate since the last reading", () => {
    const first = readSample(vllm(1_000, 400), 'ep_1', 10, undefined)!;
    expect(first.sample).toEqual({
      at: 10,
      endpointId: 'ep_1',
      source: 'vllm',
      requestsRunning: 3,
      requestsWaiting: 1,
      kvCacheUsage: 0.25,
      prefixCacheHitRate: null,
    });
    expect(first.counters).toEqual({ queries: 1_000, hits: 400 });
    const second = readSample(vllm(1_200, 550), 'ep_1', 20, first.counters)!;
    expect(second.sample.prefixCacheHitRate).toBeCloseTo(0.75);
    expect(readSample(vllm(1_200, 550), 'ep_1', 30, second.counters)!.sample.prefixCacheHitRate).toBeNull();
    // A restarted server's counters start again from zero: no rate across the restart.
    expect(readSample(vllm(50, 10), 'ep_1', 40, second.counters)!.sample.prefixCacheHitRate).toBeNull();
  });

  it("reads SGLang's gauges, its own hit rate included", () => {
    const text = metricsText('sglang', {
      model: 'm',
      running: 2,
      waiting: 0,
      kvCacheUsage: 0.5,
      prefixQueries: 100,
      prefixHits: 30,
    });
    expect(readSample(text, 'ep_2', 5, undefined)).toEqual({
      sample: {
        at: 5,
        endpointId: 'ep_2',
        source: 'sglang',
        requestsRunning: 2,
        requestsWaiting: 0,
        kvCacheUsage: 0.5,
        prefixCacheHitRate: 0.3,
      },
      counters: undefined,
    });
  });

  it('reads nothing from metrics that are neither vLLM nor SGLang', () => {
    const text = '# TYPE llamacpp:requests_processing gauge\nllamacpp:requests_processing 1\n';
    expect(readSample(text, 'ep_3', 1, undefined)).toBeNull();
    expect(readSample('', 'ep_3', 1, undefined)).toBeNull();
  });
});
