import {
  type CompareResult,
  type ForkResult,
  type LineageTree,
  preset,
  type RunDetail,
  type RunLineage,
} from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { pythonBlock, task } from '../testing/run.ts';
import { useTestRun } from '../testing/use-test-run.ts';
import { eventually } from '../testing/wait.ts';

const TASK = 'notes_pin_1';
const CAREFUL = 'You are an agent. Read the docs before each call.';

describe('forking a recorded run at a step', () => {
  const r = useTestRun();

  const login = () =>
    [
      'passwords = {a["account_name"]: a["password"] for a in apis.supervisor.show_account_passwords()}',
      `token = apis.notes.login(username="${task(TASK).supervisor.email}", password=passwords["notes"])["access_token"]`,
      'print("logged in")',
    ].join('\n');
  const failing = 'apis.notes.search_notes(access_token=token, titel="x")';

  /** A run that logs in, then fails twice, and ends at its step limit of 3. */
  const failedRun = async (): Promise<RunDetail> => {
    r.script('agent', pythonBlock(login()), pythonBlock(failing), pythonBlock(failing));
    const graph = r.graph('react-baseline', (_nodes, g) => {
      g.limits.maxSteps = 3;
    });
    const run = await r.finished((await r.run(graph, TASK)).id);
    expect(run.status).toBe('failed');
    r.server.reset();
    return run;
  };

  const fork = async (runId: string, body: unknown) => {
    const res = await r.t.app.inject({
      method: 'POST',
      url: `/api/runs/${runId}/forks`,
      payload: body as object,
    });
    return {
      status: res.statusCode,
      body: res.json() as ForkResult & { error?: { code: string; message: string; details?: unknown } },
    };
  };

  /** What the store holds of a run: its row and its events, byte for byte. */
  const snapshot = async (runId: string) => {
    await r.t.ctx.writer.flush();
    const row = await r.t.ctx.db.get('SELECT * FROM runs WHERE id = ?', [runId]);
    return { row: JSON.stringify(row), events: await r.t.ctx.runs.eventsJson(runId) };
  };

  it('takes the steps before k from the record and calls the model from k on; the parent is untouched', async () => {
    const parent = await failedRun();
    const before = await snapshot(parent.id);
    r.server.script({ match: { system: CAREFUL }, reply: { content: pythonBlock(task(TASK).solution) } });

    const created = await fork(parent.id, {
      step: 3,
      change: { nodes: { agent: { 'prompts.system': CAREFUL } } },
    });
    expect(created.status).toBe(201);
    const child = await r.finished(created.body.run.id);
    expect(child.status).toBe('succeeded');

    // One model request, for step 3, labelled with the fork: none for the recorded steps 1 and 2.
    const sent = r.requests();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.record.headers).toMatchObject({ 'x-trellis-run': child.id, 'x-trellis-step': '3' });
    expect(sent[0]!.messages[0]!.content).toBe(CAREFUL);

    // The recorded steps hold the parent's answers and observations.
    const responses = async (id: string) =>
      (await r.eventsOf(id, 'llm.response')).map((e) => [e.step, e.text]);
    expect((await responses(child.id)).slice(0, 2)).toEqual((await responses(parent.id)).slice(0, 2));
    const observations = async (id: string) =>
      (await r.eventsOf(id, 'action.executed')).map((e) => e.observation);
    expect((await observations(child.id)).slice(0, 2)).toEqual((await observations(parent.id)).slice(0, 2));

    const lineage = (await r.t.app.inject({ url: `/api/runs/${child.id}/lineage` })).json() as LineageTree;
    expect(lineage.lineage).toMatchObject({ parentRunId: parent.id, forkStep: 3, findings: [] });
    expect(lineage.lineage.edit?.summary).toEqual([
      expect.stringMatching(/^nodes\.agent\.prompts\.system: edited \(\d+ → 1 lines\)$/),
    ]);
    expect(lineage.lineage.edit?.toVersionId).not.toBe(parent.graphVersionId);
    expect(await snapshot(parent.id)).toEqual(before);

    // The compare view of the two: the shared prefix collapsed, the first divergence at step 3.
    const compared = (
      await r.t.app.inject({ url: `/api/compare?left=${parent.id}&right=${child.id}` })
    ).json() as CompareResult;
    expect(compared.alignment).toMatchObject({ prefix: 2, firstDivergence: 2 });
    expect(compared.alignment.rows[2]).toEqual({ kind: 'changed', left: 3, right: 3 });
    expect(compared.steps.right[2]!.code).toBe(task(TASK).solution);
    expect(compared.steps.left[0]!.tokens).toBeGreaterThan(0);
  });

  it('answers an edited reply at step k without a model call, and forks of forks form a tree', async () => {
    const parent = await failedRun();
    const first = await fork(parent.id, { step: 2, code: task(TASK).solution });
    expect(first.status).toBe(201);
    const child = await r.finished(first.body.run.id);
    expect(child.status).toBe('succeeded');
    expect(r.requests()).toHaveLength(0);
    const [, edited] = await r.eventsOf(child.id, 'llm.response');
    expect(edited).toMatchObject({ step: 2, finishReason: 'edited', charged: { prompt: 0, completion: 0 } });
    expect(edited!.text).toContain(task(TASK).solution);
    expect(first.body.lineage.edit?.reply).toMatchObject({ step: 2, nodeId: 'agent' });
    expect(first.body.lineage.edit?.summary).toEqual([
      expect.stringMatching(/^step 2 agent reply: replaced/),
    ]);

    const second = await fork(child.id, { step: 1, reply: pythonBlock(task(TASK).solution) });
    const grandchild = await r.finished(second.body.run.id);
    expect(grandchild.status).toBe('succeeded');
    const sibling = await r.finished(
      (await fork(parent.id, { step: 3, code: task(TASK).solution })).body.run.id,
    );

    const tree = (await r.t.app.inject({ url: `/api/runs/${grandchild.id}/lineage` })).json() as LineageTree;
    expect(tree.root.runId).toBe(parent.id);
    expect(tree.root.children.map((c) => [c.runId, c.forkStep])).toEqual([
      [child.id, 2],
      [sibling.id, 3],
    ]);
    expect(tree.root.children[0]!.children.map((c) => c.runId)).toEqual([grandchild.id]);
    expect(tree.lineage.parentRunId).toBe(child.id);
  });

  it('runs the live part on another graph version and another endpoint', async () => {
    const parent = await failedRun();
    const other = await r.t.ctx.endpoints.create({
      name: 'second',
      baseUrl: r.server.url,
      kind: 'vllm',
      apiKey: null,
      defaultModel: 'qwen3-8b',
      defaultParams: {},
      timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
    });
    const version = await r.t.ctx.graphs.save({ graph: preset('three-roles').graph, message: 'three roles' });
    r.script('agent', pythonBlock(task(TASK).solution));
    const created = await fork(parent.id, {
      step: 3,
      change: { graphVersionId: version.id, overrides: { agent: { endpointId: other.id } } },
    });
    expect(created.status).toBe(201);
    const child = await r.finished(created.body.run.id);
    expect(child.status).toBe('succeeded');
    expect(child.graphVersionId).toBe(version.id);
    // The recorded steps keep the parent's endpoint; the agent's live call goes to the other one.
    const requests = (await r.eventsOf(child.id, 'llm.request')).map((e) => [e.step, e.nodeId, e.endpointId]);
    expect(requests.slice(0, 3)).toEqual([
      [1, 'agent', r.endpointId],
      [2, 'agent', r.endpointId],
      [3, 'agent', other.id],
    ]);
    expect(r.requests().every((q) => q.record.headers['x-trellis-step'] === '3')).toBe(true);
    const summary = created.body.lineage.edit!.summary;
    expect(summary).toContain('nodes.corrector: null → "corrector"');
    expect(summary).toContain(`nodes.agent.llm.endpointId: null → "${other.id}"`);
  });

  it('replays and forks a fork whose recorded steps came from two graphs', async () => {
    const parent = await failedRun();
    const threeRoles = { ...preset('three-roles').graph, limits: { maxSteps: 4, tokenBudget: null } };
    const version = await r.t.ctx.graphs.save({ graph: threeRoles, message: 'three roles, four steps' });
    r.server.script({
      match: { system: 'You are an agent' },
      repeat: true,
      reply: { content: pythonBlock(failing) },
    });
    r.server.script({ match: { system: 'You review' }, repeat: true, reply: { content: 'NO CHANGE' } });
    const child = await r.finished(
      (
        await fork(parent.id, {
          step: 3,
          change: { graphVersionId: version.id, nodes: { agent: { 'prompts.system': CAREFUL } } },
        })
      ).body.run.id,
    );
    expect(child).toMatchObject({ status: 'failed', steps: 4 });
    r.server.reset();

    const replayed = await r.t.app.inject({
      method: 'POST',
      url: `/api/runs/${child.id}/replay`,
      payload: {},
    });
    expect(replayed.json()).toMatchObject({ match: true, firstDivergence: null });

    r.server.script({ match: { system: 'You review' }, repeat: true, reply: { content: 'NO CHANGE' } });
    const created = await fork(child.id, { step: 4, code: task(TASK).solution });
    expect(created.status).toBe(201);
    const grandchild = await r.finished(created.body.run.id);
    expect(grandchild.status).toBe('succeeded');
    expect(r.requests().every((q) => Number(q.record.headers['x-trellis-step']) >= 4)).toBe(true);
    const lineage = (
      await r.t.app.inject({ url: `/api/runs/${grandchild.id}/lineage` })
    ).json() as LineageTree;
    expect(lineage.lineage.findings).toEqual([]);
    expect(lineage.root.runId).toBe(parent.id);
  });

  describe('bad input', () => {
    it('names the cause with a 4xx and changes nothing', async () => {
      const parent = await failedRun();
      const count = async () => ({
        runs: (await r.t.ctx.runs.list({ limit: 200, offset: 0 })).total,
        versions: (await r.t.ctx.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM graph_versions'))!.n,
        parent: await snapshot(parent.id),
      });
      const before = await count();
      const cases: [unknown, number, string, RegExp][] = [
        [{ step: 4 }, 400, 'step_out_of_range', /step 4 is out of range: run '\w+' recorded steps 1–3/],
        [{ step: 0 }, 400, 'invalid_request', /step/],
        [
          { step: 2, change: { nodes: { critic: { 'prompts.system': 'x' } } } },
          400,
          'unknown_node',
          /change\.nodes\.critic: no node 'critic'/,
        ],
        [
          { step: 2, change: { nodes: { agent: { 'prompts.sytem': 'x' } } } },
          400,
          'unknown_field',
          /change\.nodes\.agent\.prompts\.sytem: node 'agent' \(agent\) has no setting 'prompts\.sytem'/,
        ],
        [
          { step: 2, change: { overrides: { critic: { model: 'm' } } } },
          400,
          'unknown_node',
          /change\.overrides\.critic/,
        ],
        [{ step: 2, reply: 'a', code: 'b' }, 400, 'invalid_request', /not both/],
        [{ step: 2, change: { graphVersionId: 'gv_nope' } }, 404, 'not_found', /gv_nope/],
      ];
      for (const [body, status, code, message] of cases) {
        const res = await fork(parent.id, body);
        expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
        expect(res.body.error?.message).toMatch(message);
      }
      const located = await fork(parent.id, {
        step: 2,
        change: { nodes: { agent: { 'prompts.sytem': 'x' } } },
      });
      expect(located.body.error?.details).toEqual({
        issues: [
          {
            code: 'unknown_field',
            path: ['change', 'nodes', 'agent', 'prompts.sytem'],
            message: "node 'agent' (agent) has no setting 'prompts.sytem'",
          },
        ],
      });
      expect((await fork('run_nope', { step: 1 })).status).toBe(404);
      expect(r.requests()).toHaveLength(0);
      expect(await count()).toEqual(before);
    });

    it('forks a live run only at a step it has finished', async () => {
      r.script('agent', pythonBlock('x = 1'), { content: pythonBlock('print("slow")'), paceMs: 150 });
      const live = await r.run(r.graph('react-baseline'), TASK);
      await eventually(async () => expect(await r.eventsOf(live.id, 'llm.request')).toHaveLength(2));
      const refused = await fork(live.id, { step: 2 });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'run_live' });
      expect(refused.body.error?.message).toMatch(/can be forked only at a step it has finished \(1–1\)/);

      r.server.script({
        match: { system: CAREFUL },
        repeat: true,
        reply: { content: pythonBlock('print(0)') },
      });
      const allowed = await fork(live.id, {
        step: 1,
        change: { nodes: { agent: { 'prompts.system': CAREFUL } } },
      });
      expect(allowed.status).toBe(201);
      for (const id of [live.id, allowed.body.run.id]) {
        await r.t.app.inject({ method: 'POST', url: `/api/runs/${id}/cancel` });
        await r.finished(id);
      }
    });
  });

  it('keeps a run without a parent as a root of its own lineage', async () => {
    const parent = await failedRun();
    const tree = (await r.t.app.inject({ url: `/api/runs/${parent.id}/lineage` })).json() as {
      lineage: RunLineage;
    } & LineageTree;
    expect(tree.lineage).toMatchObject({ parentRunId: null, forkStep: null, edit: null });
    expect(tree.root).toMatchObject({ runId: parent.id, children: [] });
  });
});
