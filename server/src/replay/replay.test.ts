import type { ReplayResult } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import type { Environment } from '../environments/types.ts';
import { LineageRepo } from '../store/lineage.ts';
import { freePort } from '../testing/net.ts';
import { pythonBlock, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';
import { eventually } from '../testing/wait.ts';
import { ReplayService } from './replay.ts';

const TASK = 'notes_pin_1';

/** An environment whose chosen action prints something different every time: a world that is not deterministic. */
function noisyAt(inner: Environment, action: number): Environment {
  let executed = 0;
  return {
    initialize: (taskId) => inner.initialize(taskId),
    execute: async (code, options) => {
      const result = await inner.execute(code, options);
      executed++;
      if (executed !== action) return result;
      return {
        ...result,
        observation: `${result.observation}\nnoise ${Math.random().toString(36).slice(2)}`,
      };
    },
    isCompleted: () => inner.isCompleted(),
    evaluate: () => inner.evaluate(),
    appDescriptions: () => inner.appDescriptions(),
    apiDocs: (refs) => inner.apiDocs(refs),
    close: () => inner.close(),
  };
}

describe('replaying a recorded run', () => {
  const r = useTestRun();

  const replay = async (runId: string, body: unknown = {}) => {
    const res = await r.t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/replay`,
      payload: body as object,
    });
    return {
      status: res.statusCode,
      body: res.json() as ReplayResult & { error?: { code: string; message: string } },
    };
  };

  /** A finished three-step run: look around, print something, then solve the task. */
  const threeSteps = async (extra: Record<string, unknown> = {}) => {
    r.script('agent', pythonBlock('x = 41'), pythonBlock('print(x + 1)'), pythonBlock(task(TASK).solution));
    const run = await r.finished((await r.run(r.graph('react-baseline'), TASK, extra)).id);
    expect(run.status).toBe('succeeded');
    r.server.reset();
    return run;
  };

  it('sends no model request, also with the run’s endpoint removed, and matches on every step', async () => {
    const own = await r.t.ctx.endpoints.create({
      name: 'removed later',
      baseUrl: r.server.url,
      kind: 'vllm',
      apiKey: null,
      defaultModel: 'qwen3-8b',
      defaultParams: { temperature: 0.3, chat_template_kwargs: { foo: 1 } },
      timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
    });
    const run = await threeSteps({ endpointId: own.id });
    const first = await replay(run.id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      match: true,
      firstDivergence: null,
      recordedStatus: 'succeeded',
      replayedStatus: 'succeeded',
      modelCalls: 3,
      stoppedAt: null,
      steps: [
        { step: 1, match: true },
        { step: 2, match: true },
        { step: 3, match: true },
      ],
    });
    expect(first.body.evaluation.match).toBe(true);
    expect(first.body.evaluation.replayed?.success).toBe(true);
    expect(r.server.requests()).toHaveLength(0);

    await r.t.ctx.endpoints.delete(own.id);
    const again = await replay(run.id);
    expect(again.body.match).toBe(true);
    expect(again.body.modelCalls).toBe(3);
    expect(r.server.requests()).toHaveLength(0);
  });

  it('reports the first diverging step with both observations when the world is not deterministic', async () => {
    const run = await threeSteps();
    const { ctx } = r.t;
    const replays = new ReplayService({
      ...ctx,
      lineage: new LineageRepo(ctx.db),
      environment: () => noisyAt(ctx.environment(), 2),
    });
    const result = await replays.replay(run.id, { environment: { kind: 'builtin' } });
    expect(result.match).toBe(false);
    expect(result.steps).toEqual([
      { step: 1, match: true },
      { step: 2, match: false },
    ]);
    const divergence = result.firstDivergence!;
    expect(divergence).toMatchObject({ step: 2, kind: 'observation', request: null });
    expect(divergence.recorded?.observation).toBe('42');
    expect(divergence.replayed?.observation).toMatch(/^42\nnoise \w+$/);
    expect(divergence.recorded?.code).toBe(divergence.replayed?.code);
    expect(r.server.requests()).toHaveLength(0);
  });

  it('replays an errored run up to the failed model call', async () => {
    r.script('agent', pythonBlock('x = 1'), { error: { status: 500, message: 'boom' } });
    const run = await r.finished((await r.run(r.graph('react-baseline'), TASK)).id);
    expect(run.status).toBe('errored');
    r.server.reset();
    const { body } = await replay(run.id);
    expect(body).toMatchObject({ match: true, recordedStatus: 'errored', replayedStatus: 'errored' });
    expect(body.steps).toEqual([
      { step: 1, match: true },
      { step: 2, match: true },
    ]);
    expect(r.server.requests()).toHaveLength(0);
  });

  it('replays a cancelled run up to where it stopped', async () => {
    r.script('agent', pythonBlock('x = 1'), pythonBlock('print(x)'), {
      content: pythonBlock('print("slow")'),
      paceMs: 200,
    });
    const started = await r.run(r.graph('react-baseline'), TASK);
    await eventually(async () => expect(await r.eventsOf(started.id, 'llm.request')).toHaveLength(3));
    await r.t.app.inject({ method: 'POST', url: `/api/runs/${started.id}/cancel` });
    const run = await r.finished(started.id);
    expect(run.status).toBe('cancelled');
    r.server.reset();
    const { body } = await replay(run.id);
    expect(body).toMatchObject({
      match: true,
      recordedStatus: 'cancelled',
      replayedStatus: 'interrupted',
      stoppedAt: 3,
    });
    expect(body.steps.map((s) => s.match)).toEqual([true, true, true]);
    expect(r.server.requests()).toHaveLength(0);
  });

  it('replays an interrupted run up to where it stopped, also one a crash left without an ending', async () => {
    r.script('agent', pythonBlock('x = 1'), { content: pythonBlock('print("slow")'), paceMs: 200 });
    const started = await r.run(r.graph('react-baseline'), TASK);
    await eventually(async () => expect(await r.eventsOf(started.id, 'llm.request')).toHaveLength(2));
    await r.t.ctx.manager.shutdown('stopped for the test', 5_000);
    const run = await r.finished(started.id);
    expect(run.status).toBe('interrupted');
    r.server.reset();
    const { body } = await replay(run.id);
    expect(body).toMatchObject({ match: true, recordedStatus: 'interrupted', stoppedAt: 2, modelCalls: 1 });

    // A crash records no ending: the next start marks the run interrupted, its trace as it was.
    await r.t.ctx.db.run("DELETE FROM run_events WHERE run_id = ? AND type = 'run.finished'", [run.id]);
    const crashed = await replay(run.id);
    expect(crashed.body).toMatchObject({ match: true, stoppedAt: 2 });
    expect(r.server.requests()).toHaveLength(0);
  });

  it('refuses a run that is still live, and a run that does not exist', async () => {
    r.script('agent', { content: pythonBlock('print("slow")'), paceMs: 100 });
    const live = await r.run(r.graph('react-baseline'), TASK);
    const refused = await replay(live.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({ code: 'run_live' });
    expect(refused.body.error?.message).toContain(live.id);
    await r.t.app.inject({ method: 'POST', url: `/api/runs/${live.id}/cancel` });
    await r.finished(live.id);
    const missing = await replay('run_nope');
    expect(missing.status).toBe(404);
    expect(missing.body.error?.message).toContain("run 'run_nope' does not exist");
  });

  it('re-executes the actions on a freshly initialised AppWorld task, and names an unreachable server', async () => {
    const run = await threeSteps();
    const address = await r.t.app.listen({ port: 0, host: '127.0.0.1' });
    const remote = await replay(run.id, {
      environment: { kind: 'appworld', baseUrl: `${address}/appworld` },
    });
    expect(remote.status).toBe(200);
    expect(remote.body).toMatchObject({ match: true, replayedStatus: 'succeeded', modelCalls: 3 });

    const stored = async () => ({
      row: await r.t.ctx.runs.get(run.id),
      events: await r.t.ctx.runs.eventsJson(run.id),
    });
    const before = await stored();
    const nowhere = `http://127.0.0.1:${await freePort()}/appworld`;
    const unreachable = await replay(run.id, { environment: { kind: 'appworld', baseUrl: nowhere } });
    expect(unreachable.status).toBe(503);
    expect(unreachable.body.error?.code).toBe('environment_unreachable');
    expect(unreachable.body.error?.message).toContain('cannot reach the AppWorld environment server');
    const runs = (await r.t.ctx.runs.list({ limit: 200, offset: 0 })).total;
    const fork = await r.t.app.inject({
      method: 'POST',
      url: `/api/runs/${run.id}/forks`,
      payload: { step: 2, environment: { kind: 'appworld', baseUrl: nowhere } },
    });
    expect(fork.statusCode).toBe(503);
    expect(fork.json()).toMatchObject({ error: { code: 'environment_unreachable' } });
    expect((await r.t.ctx.runs.list({ limit: 200, offset: 0 })).total).toBe(runs);
    expect(await stored()).toEqual(before);
    expect(r.server.requests()).toHaveLength(0);
  });
});
