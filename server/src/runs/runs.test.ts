import type { RunEvent } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { INTERRUPTED_BY_SHUTDOWN } from '../store/runs.ts';
import { collectGarbage } from '../testing/gc.ts';
import { pythonBlock, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';

const TASK = 'notes_pin_1';

describe('running scaffolds on built-in tasks', () => {
  const r = useTestRun();

  const loginCode = () => {
    const t = task(TASK);
    return [
      'passwords = {a["account_name"]: a["password"] for a in apis.supervisor.show_account_passwords()}',
      `login = apis.notes.login(username="${t.supervisor.email}", password=passwords["notes"])`,
      'notes_token = login["access_token"]',
      'print(login)',
    ].join('\n');
  };
  const failingCode = 'apis.notes.search_notes(access_token=notes_token, titel="x")';

  it('react-baseline solves a task and records the exact requests and responses', async () => {
    r.script('agent', pythonBlock(task(TASK).solution));
    const run = await r.run(r.graph('react-baseline'), TASK);
    const done = await r.finished(run.id);
    expect(done.status).toBe('succeeded');
    expect(done.evaluation?.success).toBe(true);
    expect(done.steps).toBe(1);

    const [request] = await r.eventsOf(run.id, 'llm.request');
    expect(request?.messages[0]?.role).toBe('system');
    expect(request?.messages[1]?.content).toContain(task(TASK).instruction);
    const sent = r.requests()[0]!.record.body as { messages: unknown };
    expect(sent.messages).toEqual(request?.messages);
    expect(r.requests()[0]!.record.headers).toMatchObject({
      'x-trellis-run': run.id,
      'x-trellis-node': 'agent',
      'x-trellis-role': 'agent',
      'x-trellis-step': '1',
      'x-trellis-seed': String(run.seed),
    });
    const [response] = await r.eventsOf(run.id, 'llm.response');
    expect(response?.text).toContain('```python');
    expect(response?.usage?.completionTokens).toBeGreaterThan(0);
    expect(response?.ttftMs).not.toBeNull();
    const [action] = await r.eventsOf(run.id, 'action.executed');
    expect(action?.completed).toBe(true);
    expect(action?.apiCalls.map((c) => `${c.app}.${c.api}`)).toContain('notes.update_note');

    const seqs = (await r.events(run.id)).map((e) => e.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect((await r.events(run.id)).at(-1)?.type).toBe('run.finished');
  });

  it('react-baseline fails a task it never completes, at the step limit', async () => {
    r.server.script({
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: pythonBlock('print("hello")') },
    });
    const graph = r.graph('react-baseline', (_nodes, g) => {
      g.limits.maxSteps = 3;
    });
    const done = await r.finished((await r.run(graph, TASK)).id);
    expect(done.status).toBe('failed');
    expect(done.steps).toBe(3);
    expect(done.error).toContain('step limit');
    expect(done.evaluation?.success).toBe(false);
  });

  it('three-roles: pins artifacts through the summary, isolates the corrector, breaks a repeat loop', async () => {
    const graph = r.graph('three-roles', (nodes) => {
      const summarizer = nodes.get('summarizer')!;
      if (summarizer.kind === 'summarizer') {
        summarizer.config.trigger = { type: 'tokens', threshold: 100 };
        summarizer.config.keepLastTurns = 1;
      }
    });
    r.script('agent', pythonBlock(loginCode()), pythonBlock(failingCode), pythonBlock(failingCode));
    r.script('summarizer', '## Progress\nLogged in to notes.\n## Next actions\nFind and pin the note.');
    r.script(
      'corrector',
      `Diagnosis: the code repeats a failing call.\n${pythonBlock(task(TASK).solution, '')}`,
    );
    const run = await r.run(graph, TASK);
    const done = await r.finished(run.id);
    expect(done.status).toBe('succeeded');

    const token = /'access_token': '([^']+)'|"access_token": "([^"]+)"/.exec(
      (await r.eventsOf(run.id, 'action.executed'))[0]!.observation,
    );
    const accessToken = token?.[1] ?? token?.[2];
    expect(accessToken).toBeTruthy();

    const [summary] = await r.eventsOf(run.id, 'summary.applied');
    expect(summary?.artifactsRestored).toContain(accessToken);
    expect(summary?.artifactsLost).toEqual([]);
    expect(summary?.summary).toContain(accessToken);
    expect(summary?.tokensAfter).toBeLessThan(summary!.tokensBefore);

    const agentCalls = r.requests().filter((q) => q.role === 'agent');
    const lastAgent = agentCalls
      .at(-1)!
      .messages.map((m) => m.content)
      .join('\n');
    expect(lastAgent).toContain(accessToken);

    const correctorCalls = r.requests().filter((q) => q.role === 'corrector');
    expect(correctorCalls).toHaveLength(1);
    const seen = correctorCalls[0]!.messages;
    expect(seen.map((m) => m.role)).toEqual(['system', 'user']);
    const text = seen.map((m) => m.content).join('\n');
    expect(text).toContain('titel');
    expect(text).toContain('search_notes');
    expect(text).not.toContain(task(TASK).instruction);
    expect(text).not.toContain(accessToken);

    const [correction] = await r.eventsOf(run.id, 'correction');
    expect(correction?.reason).toBe('loop_breaker');
    expect(correction?.changed).toBe(true);
  });

  it('the loop-breaker reminds an agent that produced no code twice in a row', async () => {
    r.script(
      'agent',
      'Let me think about this.',
      'I am still considering.',
      pythonBlock(task(TASK).solution),
    );
    const done = await r.finished((await r.run(r.graph('corrector-only'), TASK)).id);
    expect(done.status).toBe('succeeded');
    const corrections = await r.eventsOf(done.id, 'correction');
    expect(corrections.map((c) => c.reason)).toEqual(['loop_breaker']);
    const third = r.requests().filter((q) => q.role === 'agent')[2]!;
    expect(third.messages.at(-1)?.content).toContain('no code');
    expect(r.requests().filter((q) => q.role === 'corrector')).toHaveLength(0);
  });

  it('ends as errored with the cause when the endpoint dies mid-run, keeping the trace', async () => {
    r.script('agent', pythonBlock('print(1)'), {
      content: 'partial answer that will break',
      fault: 'mid_stream_error',
    });
    const done = await r.finished((await r.run(r.graph('react-baseline'), TASK)).id);
    expect(done.status).toBe('errored');
    expect(done.error).toMatch(/model call failed/);
    const responses = await r.eventsOf(done.id, 'llm.response');
    expect(responses).toHaveLength(2);
    expect(responses[1]?.error?.code).toBe('stream_error');
    expect(await r.eventsOf(done.id, 'action.executed')).toHaveLength(1);
  });

  it('cancel stops the upstream stream', async () => {
    r.script('agent', { content: 'word '.repeat(400), paceMs: 25 });
    const run = await r.run(r.graph('react-baseline'), TASK);
    await waitFor(async () => (await r.eventsOf(run.id, 'llm.delta')).length > 0);
    const res = await r.t.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel` });
    expect(res.statusCode).toBe(200);
    const done = await r.finished(run.id);
    expect(done.status).toBe('cancelled');
    await waitFor(() => r.requests()[0]?.record.outcome === 'client_closed');
    const again = await r.t.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel` });
    expect(again.statusCode).toBe(409);
  });

  it('cancel interrupts a running sandbox step', async () => {
    r.script('agent', pythonBlock('while True:\n    pass'));
    const graph = r.graph('react-baseline', (nodes) => {
      const executor = nodes.get('executor')!;
      if (executor.kind === 'executor') executor.config.timeoutMs = 60_000;
    });
    const run = await r.run(graph, TASK);
    await waitFor(async () => (await r.eventsOf(run.id, 'node.started')).some((e) => e.kind === 'executor'));
    const started = Date.now();
    await r.t.app.inject({ method: 'POST', url: `/api/runs/${run.id}/cancel` });
    const done = await r.finished(run.id, 20_000);
    expect(done.status).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('run API input', () => {
  const r = useTestRun({}, { resetEach: false });

  it('rejects an invalid graph with located messages', async () => {
    const graph = r.graph('three-roles', (nodes) => {
      const corrector = nodes.get('corrector')!;
      if (corrector.kind === 'corrector') corrector.config.prompts.user = '{{code}} for {{task.instruction}}';
    });
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { graph, taskId: TASK, endpointId: r.endpointId },
    });
    expect(res.statusCode).toBe(422);
    const body = res.json();
    expect(body.error.message).toContain('task.instruction');
    expect(body.error.details.issues[0]).toMatchObject({ nodeId: 'corrector', code: 'unknown_variable' });
  });

  it('names an unknown task, an unknown endpoint and a malformed body', async () => {
    const graph = r.graph('react-baseline');
    const unknownTask = await r.t.app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { graph, taskId: 'nope_1', endpointId: r.endpointId },
    });
    expect(unknownTask.statusCode).toBe(404);
    expect(unknownTask.json().error.message).toContain('nope_1');
    const unknownEndpoint = await r.t.app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { graph, taskId: TASK, endpointId: 'missing' },
    });
    expect(unknownEndpoint.statusCode).toBe(422);
    expect(unknownEndpoint.json().error.message).toContain('missing');
    const malformed = await r.t.app.inject({ method: 'POST', url: '/api/runs', payload: { taskId: TASK } });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toContain('graphVersionId');
  });

  it('lists runs with filters and pagination', async () => {
    r.server.script({
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: pythonBlock(task(TASK).solution) },
    });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await r.run(r.graph('react-baseline'), TASK)).id);
    for (const id of ids) await r.finished(id);
    const page = await r.t.app.inject({
      method: 'GET',
      url: `/api/runs?task=${TASK}&status=succeeded&limit=2`,
    });
    expect(page.json().total).toBeGreaterThanOrEqual(3);
    expect(page.json().runs).toHaveLength(2);
    const filtered = await r.t.app.inject({ method: 'GET', url: '/api/runs?difficulty=3' });
    expect(filtered.json().runs.every((run: { difficulty: number }) => run.difficulty === 3)).toBe(true);
    const bad = await r.t.app.inject({ method: 'GET', url: '/api/runs?status=exploded' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toContain('status');
  });

  // A run's model calls go through the same client as the Playground: a stall must end them on time too.
  it('ends a run whose model stalls mid-answer at the idle deadline, with garbage collected meanwhile', async () => {
    const impatient = await r.t.ctx.endpoints.create({
      name: 'impatient',
      baseUrl: r.server.url,
      kind: 'vllm',
      apiKey: null,
      defaultModel: 'qwen3-8b',
      defaultParams: {},
      timeouts: { connectMs: 5_000, firstTokenMs: 10_000, idleMs: 500 },
    });
    r.server.reset();
    r.script('agent', { content: 'I will log in first and then', fault: 'stall_between' });
    const collector = setInterval(collectGarbage, 50);
    try {
      const run = await r.run(r.graph('react-baseline'), TASK, { endpointId: impatient.id });
      const done = await r.finished(run.id, 15_000);
      expect(done.status).toBe('errored');
      expect(done.error).toContain('idle timeout');
      const [response] = await r.eventsOf(run.id, 'llm.response');
      expect(response?.error?.code).toBe('idle_timeout');
      await waitFor(() => r.server.requests().every((q) => q.outcome !== 'pending'));
    } finally {
      clearInterval(collector);
    }
  });

  it('marks runs left in flight by a stopped server as interrupted, trace intact', async () => {
    const version = await r.t.ctx.graphs.save({ graph: r.graph('react-baseline'), message: '' });
    await r.t.ctx.runs.create({
      id: 'run_left_behind',
      graphVersionId: version.id,
      graphId: version.graphId,
      graphName: 'x',
      taskId: TASK,
      difficulty: 1,
      seed: 1,
      request: {},
    });
    await r.t.ctx.runs.markStarted('run_left_behind');
    await r.t.ctx.runs.appendEvents([
      { runId: 'run_left_behind', seq: 1, at: Date.now(), type: 'step.started', step: 1 } as RunEvent,
    ]);
    expect(await r.t.ctx.manager.recover()).toContain('run_left_behind');
    const run = (await r.t.ctx.runs.get('run_left_behind'))!;
    expect(run.status).toBe('interrupted');
    expect(await r.t.ctx.runs.events('run_left_behind')).toHaveLength(1);
  });
});

async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('stopping the server while a run is in flight', () => {
  const r = useTestRun({}, { resetEach: false });

  it('ends the run as interrupted with that cause, not as cancelled by the user, trace kept', async () => {
    r.script('agent', { content: 'thinking it over', fault: 'stall_between' });
    const run = await r.run(r.graph('react-baseline'), TASK);
    await waitFor(() => r.server.requests().some((q) => q.outcome === 'pending'));

    await r.t.ctx.manager.shutdown();

    const stopped = (await r.t.ctx.runs.get(run.id))!;
    expect(stopped.status).toBe('interrupted');
    expect(stopped.error).toBe(INTERRUPTED_BY_SHUTDOWN);
    const events = await r.events(run.id);
    expect(events.map((e) => e.type)).toContain('llm.request');
    expect(events.at(-1)).toMatchObject({
      type: 'run.finished',
      status: 'interrupted',
      error: INTERRUPTED_BY_SHUTDOWN,
    });
  });
});
