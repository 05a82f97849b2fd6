import type { Experiment, ExperimentItem, ExperimentReport } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { useTestRun } from '../testing/use-test-run.ts';
import { SIMULATED_PRESETS } from '../testserver/simulated/index.ts';
import { experimentServices } from './services.ts';

describe('experiments', () => {
  const r = useTestRun(
    { simulated: { presets: [SIMULATED_PRESETS.small!], timeScale: 0 } },
    { resetEach: false },
  );

  const post = async (body: unknown) => {
    const res = await r.t.app.inject({ method: 'POST', url: '/api/experiments', payload: body as object });
    return {
      status: res.statusCode,
      body: res.json() as Experiment & { error?: { code: string; message: string } },
    };
  };
  const settled = async (id: string) => {
    await experimentServices(r.t.ctx).experiments.settled(id);
    return (await r.t.app.inject({ url: `/api/experiments/${id}` })).json() as Experiment;
  };

  it('runs the ablation on a few tasks, interleaved, and reports it', async () => {
    const created = await post({
      arms: [
        { preset: 'react-baseline', endpointId: r.endpointId },
        { preset: 'three-roles', endpointId: r.endpointId },
      ],
      tasks: { ids: ['notes_pin_1', 'notes_pin_2', 'todo_complete_1'] },
      seeds: [7],
      limits: { concurrencyPerEndpoint: 2 },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const experiment = await settled(created.body.id);
    expect(experiment.status).toBe('finished');
    expect(experiment.simulated).toBe(true);
    expect(experiment.progress).toMatchObject({ total: 6, done: 6, running: 0 });
    const items = (await r.t.app.inject({ url: `/api/experiments/${experiment.id}/items` })).json() as {
      items: ExperimentItem[];
    };
    expect(items.items.map((i) => [i.arm, i.taskId])).toEqual([
      [0, 'notes_pin_1'],
      [1, 'notes_pin_1'],
      [0, 'notes_pin_2'],
      [1, 'notes_pin_2'],
      [0, 'todo_complete_1'],
      [1, 'todo_complete_1'],
    ]);
    const report = (
      await r.t.app.inject({ url: `/api/experiments/${experiment.id}/report` })
    ).json() as ExperimentReport;
    expect(report.arms.map((a) => [a.label, a.finished, a.simulated])).toEqual([
      ['ReAct baseline', 3, true],
      ['Three roles', 3, true],
    ]);
    // The report's rates are the items' outcomes: succeeded runs over finished runs, per arm.
    for (const arm of report.arms) {
      const runs = items.items.filter((i) => i.arm === arm.arm);
      const succeeded = runs.filter((i) => i.runStatus === 'succeeded').length;
      expect(arm.rows[0]).toMatchObject({ key: 'aggregate', tasks: 3, tgc: { successes: succeeded, n: 3 } });
    }
    expect(report.incompleteScenarios.map((s) => s.scenario)).toEqual(['notes_pin', 'todo_complete']);
    const csv = await r.t.app.inject({ url: `/api/experiments/${experiment.id}/export.csv` });
    expect(csv.headers['content-disposition']).toMatch(/-simulated\.csv"$/);
    expect(csv.body.trim().split('\n')).toHaveLength(7);
    const md = await r.t.app.inject({ url: `/api/experiments/${experiment.id}/report.md` });
    expect(md.body).toContain("simulated model — not a real model's result");
    expect(md.body).toMatch(/\| ReAct baseline \(baseline\) \| \d+\.\d/);
  }, 120_000);
});
