import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { preset, type Rescue, type RescueProgress, type RunLineage } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/app.ts';
import { pythonBlock, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';
import { eventually } from '../testing/wait.ts';
import { startTestServer } from '../testserver/server.ts';
import { replayServices } from './services.ts';

const RESCUE_PROMPT = 'Rescue agent: write one python block that solves the task.';
const TASKS = ['notes_pin_1', 'notes_pin_2', 'notes_pin_3'];
const rescueChange = { nodes: { agent: { 'prompts.system': RESCUE_PROMPT } } };

/** Scripted rescue replies: the solution for each given task, paced so that a rescue stays in flight a while. */
function rescueReplies(tasks: string[], paceMs = 0) {
  return tasks.map((id) => ({
    match: { system: RESCUE_PROMPT, contains: task(id).instruction },
    reply: { content: pythonBlock(task(id).solution), ...(paceMs ? { paceMs } : {}) },
  }));
}

describe('rescuing failed runs', () => {
  const r = useTestRun();

  /** Runs that print and never finish the task: each fails at its step limit of 2. */
  const failedRuns = async (tasks = TASKS) => {
    r.server.script({
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: pythonBlock('print(1)') },
    });
    const graph = r.graph('react-baseline', (_nodes, g) => {
      g.limits.maxSteps = 2;
    });
    const runs = [];
    for (const id of tasks) runs.push(await r.finished((await r.run(graph, id)).id));
    for (const run of runs) expect(run.status).toBe('failed');
    r.server.reset();
    return runs;
  };

  const post = async (body: unknown) => {
    const res = await r.t.app.inject({ method: 'POST', url: '/api/rescues', payload: body as object });
    return {
      status: res.statusCode,
      body: res.json() as Rescue & { error?: { code: string; message: string } },
    };
  };
  const settled = async (id: string) => {
    await replayServices(r.t.ctx).rescues.settled(id);
    return (await r.t.app.inject({ url: `/api/rescues/${id}` })).json() as Rescue;
  };

  it('re-runs each failed run under the change and reads "N of M rescued", those still failing, every pair', async () => {
    const runs = await failedRuns();
    r.server.script(rescueReplies(TASKS.slice(0, 2)));
    const created = await post({ runIds: runs.map((run) => run.id), change: rescueChange, concurrency: 2 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'running', total: 3, from: 'start', concurrency: 2 });

    const rescue = await settled(created.body.id);
    expect(rescue).toMatchObject({ status: 'finished', total: 3, rescued: 2, stillFailing: 1 });
    expect(rescue.progress).toMatchObject({ done: 3, running: 0, rescued: 2, status: 'finished' });
    expect(rescue.pairs.map((p) => [p.sourceRunId, p.status, p.runStatus, p.attempts])).toEqual([
      [runs[0]!.id, 'rescued', 'succeeded', 1],
      [runs[1]!.id, 'rescued', 'succeeded', 1],
      [runs[2]!.id, 'failing', 'failed', 1],
    ]);
    for (const pair of rescue.pairs) {
      const lineage = (await r.t.app.inject({ url: `/api/runs/${pair.forkRunId}/lineage` })).json() as {
        lineage: RunLineage;
      };
      expect(lineage.lineage).toMatchObject({
        parentRunId: pair.sourceRunId,
        forkStep: 1,
        rescueId: rescue.id,
      });
    }
    const listed = (await r.t.app.inject({ url: '/api/rescues' })).json() as { rescues: { id: string }[] };
    expect(listed.rescues.map((x) => x.id)).toContain(rescue.id);
  });

  it('selects by the Runs page filters and starts each from the step before its first failure', async () => {
    const graph = r.graph('react-baseline', (_nodes, g) => {
      g.limits.maxSteps = 3;
      g.name = 'failing on purpose';
    });
    const TASK = TASKS[0]!;
    r.script('agent', pythonBlock('x = 1'), pythonBlock('print(x)'), pythonBlock('apis.notes.nope()'));
    const failed = await r.finished((await r.run(graph, TASK)).id);
    expect(failed.status).toBe('failed');
    r.server.reset();
    // Past the first step, the last message is an observation: match on the rescue's prompt alone.
    r.server.script({
      match: { system: RESCUE_PROMPT },
      reply: { content: pythonBlock(task(TASK).solution) },
    });
    const created = await post({
      query: { graph: 'failing on purpose', task: TASK },
      change: rescueChange,
      from: 'before_first_failure',
    });
    expect(created.status).toBe(201);
    const rescue = await settled(created.body.id);
    expect(rescue.pairs).toEqual([
      expect.objectContaining({ sourceRunId: failed.id, forkStep: 2, status: 'rescued' }),
    ]);
    // Step 1 came from the record; the rescue's one model call is at step 2.
    expect(r.requests().map((q) => q.record.headers['x-trellis-step'])).toEqual(['2']);
  });

  it('streams its progress as server-sent events, with rate and time left', async () => {
    const runs = await failedRuns(TASKS.slice(0, 2));
    r.server.script(rescueReplies(TASKS.slice(0, 2), 20));
    const created = await post({ runIds: runs.map((run) => run.id), change: rescueChange, concurrency: 1 });
    const address = await r.t.app.listen({ port: 0, host: '127.0.0.1' });
    const res = await fetch(`${address}/api/rescues/${created.body.id}/events`, {
      headers: { accept: 'text/event-stream' },
    });
    const text = await res.text();
    const frames = text
      .split('\n\n')
      .filter((f) => f.startsWith('event:'))
      .map((f) => ({ type: /^event: (.+)$/m.exec(f)![1], data: JSON.parse(/^data: (.+)$/m.exec(f)![1]!) }));
    expect(frames.at(-1)).toEqual({ type: 'end', data: { status: 'finished' } });
    const progress = frames.filter((f) => f.type === 'progress').map((f) => f.data as RescueProgress);
    expect(progress.at(-1)).toMatchObject({ total: 2, done: 2, rescued: 2, status: 'finished' });
    const middle = progress.find((p) => p.done === 1)!;
    expect(middle.ratePerMinute).toBeGreaterThan(0);
    expect(middle.etaMs).toBeGreaterThan(0);
    // The first pair started with the rescue, before the stream was opened.
    const pairs = frames.filter((f) => f.type === 'pair').map((f) => f.data.status);
    expect(pairs.slice(-3)).toEqual(['rescued', 'running', 'rescued']);
  });

  it('can be cancelled: pairs in flight and waiting are cancelled, those done stay', async () => {
    const runs = await failedRuns();
    r.server.script(rescueReplies(TASKS, 100));
    const created = await post({ runIds: runs.map((run) => run.id), change: rescueChange, concurrency: 1 });
    await eventually(() => expect(r.requests()).toHaveLength(1));
    const cancelled = await r.t.app.inject({ method: 'POST', url: `/api/rescues/${created.body.id}/cancel` });
    expect(cancelled.statusCode).toBe(200);
    const rescue = await settled(created.body.id);
    expect(rescue.status).toBe('cancelled');
    expect(rescue.pairs.map((p) => p.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(rescue.pairs[0]!.runStatus).toBe('cancelled');
    expect(rescue.pairs[1]!.forkRunId).toBeNull();
    const again = await r.t.app.inject({ method: 'POST', url: `/api/rescues/${created.body.id}/cancel` });
    expect(again.statusCode).toBe(409);
  });

  it('refuses a rescue with nothing selected, or a change that does not fit, and changes nothing', async () => {
    const [failed] = await failedRuns(TASKS.slice(0, 1));
    r.script('agent', pythonBlock(task(TASKS[1]!).solution));
    const succeeded = await r.finished((await r.run(r.graph('react-baseline'), TASKS[1]!)).id);
    r.server.reset();
    const count = async () => ({
      runs: (await r.t.ctx.runs.list({ limit: 200, offset: 0 })).total,
      rescues: (await r.t.ctx.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM rescues'))!.n,
    });
    const before = await count();
    const cases: [unknown, number, string, RegExp][] = [
      [{ runIds: [] }, 422, 'nothing_selected', /runIds is empty/],
      [
        { query: { task: 'notes_create_1' } },
        422,
        'nothing_selected',
        /no run matches the query \(task=notes_create_1\)/,
      ],
      [
        { query: { task: TASKS[1], status: 'succeeded' } },
        422,
        'nothing_selected',
        /\d+ run\(s\) match the query \(task=notes_pin_2, status=succeeded\) but none ended succeeded/,
      ],
      [{ runIds: [succeeded.id] }, 422, 'not_failed', /succeeded: there is nothing to rescue/],
      [{ runIds: ['run_nope'] }, 404, 'not_found', /run 'run_nope' does not exist/],
      [{}, 400, 'invalid_request', /give exactly one of runIds or query/],
      [
        { runIds: [failed!.id], change: { nodes: { critic: { 'prompts.system': 'x' } } } },
        400,
        'unknown_node',
        new RegExp(`run '${failed!.id}': change\\.nodes\\.critic: no node 'critic'`),
      ],
      [
        { runIds: [failed!.id], change: { overrides: { agent: { endpointId: 'gone' } } } },
        422,
        'invalid_graph',
        /gone/,
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await post(body);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
      expect(res.body.error?.message).toMatch(message);
    }
    expect(await count()).toEqual(before);
    expect(r.requests()).toHaveLength(0);
  });
});

describe('a rescue across a server restart', () => {
  it('resumes where it stopped without running a finished pair again', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-rescue-'));
    const dbFile = path.join(dir, 'trellis.db');
    const server = await startTestServer({ dialect: 'vllm', models: ['qwen3-8b'] });
    try {
      const first = await createTestApp({}, { dbFile });
      const endpoint = await first.ctx.endpoints.create({
        name: 'scripted',
        baseUrl: server.url,
        kind: 'vllm',
        apiKey: null,
        defaultModel: 'qwen3-8b',
        defaultParams: {},
        timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
      });
      const graph = { ...preset('react-baseline').graph, limits: { maxSteps: 1, tokenBudget: null } };
      const version = await first.ctx.graphs.save({ graph, message: 'one step' });
      server.script({
        match: { system: 'You are an agent' },
        repeat: true,
        reply: { content: pythonBlock('print(1)') },
      });
      const sources = [];
      for (const taskId of TASKS) {
        sources.push(
          await first.ctx.manager.start({
            version,
            taskId,
            difficulty: 1,
            endpointId: endpoint.id,
            overrides: {},
          }),
        );
      }
      await first.ctx.manager.idle();
      server.reset();
      // The first pair answers at once, the second slowly: the server stops while it is in flight.
      server.script([
        ...rescueReplies([TASKS[0]!]),
        ...rescueReplies([TASKS[1]!], 400),
        ...rescueReplies(TASKS.slice(1)),
      ]);
      const { rescues } = replayServices(first.ctx);
      const rescue = await rescues.create({
        runIds: sources.map((s) => s.id),
        change: { nodes: rescueChange.nodes, overrides: {} },
        from: 'start',
        concurrency: 1,
      });
      await eventually(async () => {
        const pairs = (await rescues.get(rescue.id))!.pairs;
        expect(pairs.map((p) => p.status)).toEqual(['rescued', 'running', 'pending']);
      });
      const [firstFork, cutShort] = (await rescues.get(rescue.id))!.pairs.map((p) => p.forkRunId);
      await first.close();

      const second = await createTestApp({}, { dbFile });
      try {
        await second.ctx.manager.recover();
        const resumed = replayServices(second.ctx).rescues;
        expect((await resumed.get(rescue.id))?.status).toBe('running');
        // Two resumes at once (start-up and `trellis rescue --resume`) take it up once.
        const [taken, again] = await Promise.all([resumed.resume(), resumed.resume()]);
        expect([...taken, ...again]).toEqual([rescue.id]);
        await resumed.settled(rescue.id);
        const done = (await resumed.get(rescue.id))!;
        expect(done).toMatchObject({ status: 'finished', total: 3, rescued: 3 });
        expect(done.pairs.map((p) => p.attempts)).toEqual([1, 2, 1]);
        expect(done.pairs[0]!.forkRunId).toBe(firstFork);
        expect((await second.ctx.runs.get(cutShort!))?.status).toBe('interrupted');
        // Three rescue runs finished, one for each pair, and the one the stop cut short.
        const forks = await second.ctx.db.all('SELECT run_id FROM run_lineage WHERE rescue_id = ?', [
          rescue.id,
        ]);
        expect(forks).toHaveLength(4);
      } finally {
        await second.close();
      }
    } finally {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
