import type { ExperimentArm, RoleTotals, RunStatus, RunTotals } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { computeReport, type ReportInput, type ReportItem } from './report.ts';
import { formatPValue, verdictOf } from './report-comparison.ts';
import { bootstrapMean, wilson } from './stats.ts';

function arm(index: number, label: string): ExperimentArm {
  return {
    index,
    label,
    graphVersionId: `gv-${index}`,
    graphName: label,
    preset: null,
    endpointId: 'gpu',
    model: null,
    overrides: {},
    endpointIds: ['gpu'],
  };
}

interface TaskSpec {
  taskId: string;
  scenario: string;
  difficulty: number | null;
}

/** What one run did; the rest of the item is filled in from the task and the plan. */
interface RunSpec {
  status: RunStatus | null;
  error?: string;
  steps?: number;
  totals?: RunTotals;
  models?: string[];
}

function role(calls: number, promptTokens: number, completionTokens: number, durationMs: number): RoleTotals {
  return { calls, promptTokens, completionTokens, durationMs };
}

/** Totals whose run-level figures are the sums of its roles, as the engine records them. */
function totals(
  steps: number,
  durationMs: number,
  byRole: Record<string, RoleTotals>,
  extra = {},
): RunTotals {
  const roles = Object.values(byRole);
  const sum = (pick: (r: RoleTotals) => number) => roles.reduce((s, r) => s + pick(r), 0);
  return {
    steps,
    llmCalls: sum((r) => r.calls),
    promptTokens: sum((r) => r.promptTokens),
    completionTokens: sum((r) => r.completionTokens),
    durationMs,
    byRole,
    ...extra,
  };
}

const ok: RunSpec = { status: 'succeeded' };
const wrong: RunSpec = { status: 'failed' };

/** Items in plan order: for each repeat, each task, each arm. runs[arm][task][repeat]. */
function planOf(tasks: TaskSpec[], runs: RunSpec[][][], armIndices: number[]): ReportItem[] {
  const items: ReportItem[] = [];
  const repeats = runs[0]![0]!.length;
  for (let repeat = 0; repeat < repeats; repeat++) {
    tasks.forEach((task, t) => {
      armIndices.forEach((armIndex, a) => {
        const run = runs[a]![t]![repeat]!;
        items.push({
          position: items.length,
          arm: armIndex,
          ...task,
          repeat,
          runId: run.status === null ? null : `run-${armIndex}-${task.taskId}-${repeat}`,
          runStatus: run.status,
          success: run.status === null ? null : run.status === 'succeeded',
          error: run.error ?? null,
          steps: run.steps ?? run.totals?.steps ?? 0,
          totals: run.totals ?? null,
          models: run.models ?? ['qwen-small'],
        });
      });
    });
  }
  return items;
}

describe('report of a small experiment with one repeat', () => {
  // Scenario A has 3 tasks in the suite but only a1, a2 in the set.
  const tasks: TaskSpec[] = [
    { taskId: 'a1', scenario: 'A', difficulty: 1 },
    { taskId: 'a2', scenario: 'A', difficulty: 2 },
    { taskId: 'b1', scenario: 'B', difficulty: 1 },
    { taskId: 'b2', scenario: 'B', difficulty: 1 },
    { taskId: 'c1', scenario: 'C', difficulty: 2 },
    { taskId: 'c2', scenario: 'C', difficulty: 3 },
  ];
  const agentOnly = (calls: number, prompt: number, time: number) => ({
    agent: role(calls, prompt, prompt / 10, time),
  });
  const template = () => ({
    summarizer: role(2, 1000, 100, 500),
    agent: role(2, 1500, 150, 1000),
    corrector: role(2, 500, 50, 500),
  });
  // Baseline: a1 ✓  a2 ✗ (wrong)  b1 ✓  b2 ✓  c1 errored  c2 step limit, 15 of 30 steps without code
  const baseline: RunSpec[][] = [
    [{ ...ok, totals: totals(3, 1000, agentOnly(3, 900, 600)) }],
    [{ ...wrong, totals: totals(5, 2000, agentOnly(5, 1500, 1200)) }],
    [{ ...ok, totals: totals(2, 800, agentOnly(2, 600, 400)) }],
    [{ ...ok, totals: totals(4, 1200, agentOnly(4, 1200, 800)) }],
    [{ status: 'errored', error: 'model call failed: 500' }],
    [
      {
        status: 'failed',
        error: 'reached the step limit (30)',
        totals: totals(30, 10000, agentOnly(30, 9000, 6000), { noCodeSteps: 15, apiErrorSteps: 0 }),
      },
    ],
  ];
  // Three roles: a1 ✓ (tie)  a2 ✓ (gained)  b1 ✗ (lost)  b2 interrupted  c1 ✓ (gained)  c2 step limit
  const threeRoles: RunSpec[][] = [
    [{ ...ok, totals: totals(2, 4000, template()) }],
    [{ ...ok, totals: totals(2, 4000, template()), models: ['simulated-small', 'qwen-small'] }],
    [{ ...wrong, totals: totals(2, 4000, template()) }],
    [{ status: 'interrupted', totals: totals(7, 40000, agentOnly(21, 50000, 30000)) }],
    [{ ...ok, totals: totals(2, 4000, template()) }],
    [
      {
        status: 'failed',
        error: 'reached the step limit (30)',
        totals: totals(
          30,
          20000,
          {
            summarizer: role(10, 2000, 200, 2000),
            agent: role(20, 7000, 700, 7000),
            planner: role(1, 500, 50, 500),
            critic: role(1, 500, 50, 500),
          },
          { noCodeSteps: 2, apiErrorSteps: 3 },
        ),
      },
    ],
  ];
  const input: ReportInput = {
    experiment: {
      id: 'exp-1',
      name: 'ablation',
      status: 'finished',
      arms: [arm(0, 'react'), arm(1, 'three roles')],
      repeats: 1,
      baselineArm: 0,
    },
    items: planOf(tasks, [baseline, threeRoles], [0, 1]),
    scenarioSizes: new Map([
      ['A', 3],
      ['B', 2],
      ['C', 2],
      ['D', 4],
    ]),
  };
  const report = computeReport(input);
  const [base, three] = report.arms;

  it('counts only succeeded, failed and errored runs, errored as a failure', () => {
    // baseline: 3 succeeded (a1, b1, b2) of 6 finished; three roles: 3 (a1, a2, c1) of 5, b2 interrupted
    expect(base!.finished).toBe(6);
    expect(three!.finished).toBe(5);
    expect(three!.pending).toBe(0);
    expect(base!.rows[0]!.tgc).toMatchObject({ rate: 0.5, successes: 3, n: 6 });
    expect(three!.rows[0]!.tgc).toMatchObject({ rate: 0.6, successes: 3, n: 5 });
  });

  it('puts Wilson intervals on one repeat', () => {
    expect(report.intervals).toEqual({ method: 'wilson', level: 0.95 });
    // 3/6: centre 0.5, half 1.194923 · 0.261426 = 0.312384 (as in stats.test.ts)
    expect(base!.rows[0]!.tgc.low).toBeCloseTo(0.187616, 5);
    expect(base!.rows[0]!.tgc.high).toBeCloseTo(0.812384, 5);
    // 3/5: centre (3 + 1.92073) / (5 + 3.84146) = 4.92073 / 8.84146 = 0.556552
    //      half = 1.959964 / 1.768292 · √(0.24/5 + z²/100) = 1.108393 · √(0.048 + 0.0384146) = 1.108393 · 0.293964
    //           = 0.325828
    expect(three!.rows[0]!.tgc.low).toBeCloseTo(0.556552 - 0.325828, 5);
    expect(three!.rows[0]!.tgc.high).toBeCloseTo(0.556552 + 0.325828, 5);
    expect(three!.rows[0]!.sgc).toMatchObject(wilson(1, 2));
  });

  it('gives TGC and SGC per difficulty, a scenario counting only its tasks of that difficulty', () => {
    const rows = (r: typeof base) =>
      r!.rows.map((row) => [
        row.key,
        row.tasks,
        row.scenarios,
        row.tgc.successes,
        row.tgc.n,
        row.sgc.successes,
        row.sgc.n,
      ]);
    // baseline
    //   aggregate: TGC 3/6. SGC: A (a1 ✓ a2 ✗) fails, B (b1 ✓ b2 ✓) passes, C (c1 ✗) fails → 1/3
    //   difficulty 1 (a1, b1, b2): TGC 3/3. SGC: A {a1} ✓, B {b1, b2} ✓ → 2/2
    //   difficulty 2 (a2, c1): TGC 0/2. SGC: A {a2} ✗, C {c1} ✗ → 0/2
    //   difficulty 3 (c2): TGC 0/1. SGC: C {c2} ✗ → 0/1
    expect(rows(base)).toEqual([
      ['aggregate', 6, 3, 3, 6, 1, 3],
      ['difficulty_1', 3, 2, 3, 3, 2, 2],
      ['difficulty_2', 2, 2, 0, 2, 0, 2],
      ['difficulty_3', 1, 1, 0, 1, 0, 1],
    ]);
    // three roles (b2 unfinished, so B is left out wherever b2 is in it)
    //   aggregate: TGC 3/5. SGC: A (a1 ✓ a2 ✓) passes, B left out, C (c1 ✓ c2 ✗) fails → 1/2
    //   difficulty 1: TGC a1 ✓ b1 ✗ → 1/2. SGC: A {a1} ✓, B {b1, b2} left out → 1/1
    //   difficulty 2: TGC a2 ✓ c1 ✓ → 2/2. SGC: A {a2} ✓, C {c1} ✓ → 2/2
    //   difficulty 3: TGC 0/1, SGC 0/1
    expect(rows(three)).toEqual([
      ['aggregate', 6, 3, 3, 5, 1, 2],
      ['difficulty_1', 3, 2, 1, 2, 1, 1],
      ['difficulty_2', 2, 2, 2, 2, 2, 2],
      ['difficulty_3', 1, 1, 0, 1, 0, 1],
    ]);
    expect(base!.rows[1]!.sgc.rate).toBe(1);
    expect(base!.rows[2]!.tgc.rate).toBe(0);
  });

  it('has no pass@k without repeats', () => {
    expect(base!.passAtK).toEqual([]);
    expect(base!.passHatK).toEqual([]);
  });

  it('compares three roles with the baseline over the tasks finished in both', () => {
    // paired: a1, a2, b1, c1, c2 (b2 interrupted in three roles)
    // differences: a1 1−1 = 0, a2 1−0 = +1, b1 0−1 = −1, c1 1−0 = +1, c2 0−0 = 0 → mean 1/5 = 0.2
    // b = 2 (a2, c1), c = 1 (b1): p = min(1, 2 · (C(3,0) + C(3,1)) / 2³) = min(1, 2 · 4/8) = 1
    expect(report.comparisons).toHaveLength(1);
    const comparison = report.comparisons[0]!;
    expect(comparison).toMatchObject({
      arm: 1,
      baseline: 0,
      pairedTasks: 5,
      gained: ['a2', 'c1'],
      lost: ['b1'],
      mcnemar: { b: 2, c: 1, pValue: 1 },
      significant: false,
      verdict: '+20.0 points, not significant (p = 1)',
    });
    expect(comparison.difference).toBeCloseTo(0.2, 12);
    expect(comparison.bootstrap).toMatchObject({ iterations: 2000, seed: 1 });
    expect(comparison.bootstrap.low!).toBeLessThanOrEqual(0.2);
    expect(comparison.bootstrap.high!).toBeGreaterThanOrEqual(0.2);
  });

  it('groups failures by cause in the order of FAILURE_CAUSES', () => {
    // c2 in the baseline: 15 · 2 ≥ 30 steps → no code; in three roles 2 · 2 < 30 and 3 · 2 < 30 → step limit
    expect(base!.failures).toEqual([
      { cause: 'no_code', count: 1, runIds: ['run-0-c2-0'] },
      { cause: 'wrong_answer', count: 1, runIds: ['run-0-a2-0'] },
      { cause: 'errored', count: 1, runIds: ['run-0-c1-0'] },
    ]);
    expect(three!.failures).toEqual([
      { cause: 'step_limit', count: 1, runIds: ['run-1-c2-0'] },
      { cause: 'wrong_answer', count: 1, runIds: ['run-1-b1-0'] },
      { cause: 'not_finished', count: 1, runIds: ['run-1-b2-0'] },
    ]);
  });

  it('averages cost over finished runs that have totals', () => {
    // baseline: c1 (errored) has no totals, so 5 runs
    //   steps (3 + 5 + 2 + 4 + 30) / 5 = 44/5 = 8.8; calls the same
    //   prompt (900 + 1500 + 600 + 1200 + 9000) / 5 = 13200/5 = 2640; completion a tenth of it = 264
    //   wall (1000 + 2000 + 800 + 1200 + 10000) / 5 = 3000; agent time (600 + 1200 + 400 + 800 + 6000) / 5 = 1800
    expect(base!.cost).toEqual({
      runs: 5,
      promptTokens: 2640,
      completionTokens: 264,
      llmCalls: 8.8,
      wallMs: 3000,
      steps: 8.8,
      byRole: [
        {
          role: 'agent',
          calls: 8.8,
          promptTokens: 2640,
          completionTokens: 264,
          durationMs: 1800,
          tokenShare: 1,
          timeShare: 1,
        },
      ],
    });
  });

  it('splits cost by role, the paper roles first and the rest alphabetically', () => {
    // three roles: a1, a2, b1, c1 follow the template (6 calls, 3000 + 300 tokens, 4000 ms), c2 has 32 calls,
    // 10000 + 1000 tokens, 20000 ms; b2 is interrupted and left out. 5 runs.
    //   steps (4 · 2 + 30) / 5 = 7.6; calls (4 · 6 + 32) / 5 = 11.2; prompt (12000 + 10000) / 5 = 4400
    //   completion (1200 + 1000) / 5 = 440; wall (16000 + 20000) / 5 = 7200
    // tokens over all roles 22000 + 2200 = 24200; role time 4 · 2000 + 10000 = 18000
    //   summarizer: calls 4·2 + 10 = 18 → 3.6; prompt 4000 + 2000 → 1200; completion 600 → 120; time 4000 → 800
    //               tokens 6600 / 24200 = 3/11; time 4000 / 18000 = 2/9
    //   agent: calls 8 + 20 → 5.6; prompt 6000 + 7000 → 2600; completion 1300 → 260; time 11000 → 2200
    //          tokens 14300 / 24200 = 13/22; time 11000 / 18000 = 11/18
    //   corrector: calls 8 → 1.6; prompt 2000 → 400; completion 200 → 40; time 2000 → 400; 2200/24200 = 1/11; 1/9
    //   critic, planner: calls 1 → 0.2; prompt 500 → 100; completion 50 → 10; time 500 → 100; 550/24200 = 1/44; 1/36
    const cost = three!.cost;
    expect(cost).toMatchObject({ runs: 5, promptTokens: 4400, completionTokens: 440, wallMs: 7200 });
    expect(cost.steps).toBeCloseTo(7.6, 12);
    expect(cost.llmCalls).toBeCloseTo(11.2, 12);
    expect(cost.byRole.map((r) => r.role)).toEqual(['summarizer', 'agent', 'corrector', 'critic', 'planner']);
    const expected = [
      [3.6, 1200, 120, 800, 3 / 11, 2 / 9],
      [5.6, 2600, 260, 2200, 13 / 22, 11 / 18],
      [1.6, 400, 40, 400, 1 / 11, 1 / 9],
      [0.2, 100, 10, 100, 1 / 44, 1 / 36],
      [0.2, 100, 10, 100, 1 / 44, 1 / 36],
    ];
    cost.byRole.forEach((r, i) => {
      const values = [r.calls, r.promptTokens, r.completionTokens, r.durationMs, r.tokenShare, r.timeShare];
      values.forEach((value, j) => {
        expect(value).toBeCloseTo(expected[i]![j]!, 12);
      });
    });
  });

  it('lists models in the order first seen and flags the simulated model', () => {
    expect(base!.models).toEqual(['qwen-small']);
    expect(base!.simulated).toBe(false);
    expect(three!.models).toEqual(['qwen-small', 'simulated-small']);
    expect(three!.simulated).toBe(true);
    expect(report.simulated).toBe(true);
  });

  it('names the scenarios the set holds only in part', () => {
    // A: 2 of 3; B and C complete; D is not in the set at all
    expect(report.incompleteScenarios).toEqual([{ scenario: 'A', present: 2, total: 3 }]);
  });

  it('lays out tasks in plan order and one cell per arm and task', () => {
    expect(report.tasks).toEqual(tasks);
    expect(report.cells).toHaveLength(2);
    expect(report.cells[1]).toHaveLength(6);
    expect(report.cells[1]![3]).toEqual({
      passed: 0,
      finished: 0,
      repeats: 1,
      runIds: ['run-1-b2-0'],
      statuses: ['interrupted'],
    });
    expect(report.cells[0]![0]).toEqual({
      passed: 1,
      finished: 1,
      repeats: 1,
      runIds: ['run-0-a1-0'],
      statuses: ['succeeded'],
    });
  });

  it('carries the experiment and a measured computation time', () => {
    expect(report).toMatchObject({ experimentId: 'exp-1', name: 'ablation', status: 'finished', repeats: 1 });
    expect(report.computedMs).toBeGreaterThanOrEqual(0);
  });

  it('gives the same report for the same input', () => {
    const { computedMs: _a, ...first } = computeReport(input);
    const { computedMs: _b, ...second } = computeReport(input);
    expect(second).toEqual(first);
  });
});

describe('report of an experiment with three repeats', () => {
  const tasks: TaskSpec[] = [
    { taskId: 'x1', scenario: 'X', difficulty: 1 },
    { taskId: 'x2', scenario: 'X', difficulty: 2 },
    { taskId: 'y1', scenario: 'Y', difficulty: 1 },
    { taskId: 'z1', scenario: 'Z', difficulty: 3 },
  ];
  const pending: RunSpec = { status: null };
  // runs[task][repeat]
  const armZero: RunSpec[][] = [
    [ok, ok, wrong], // x1: 2 of 3
    [ok, wrong, wrong], // x2: 1 of 3
    [wrong, wrong, wrong], // y1: 0 of 3
    [ok, ok, ok], // z1: 3 of 3
  ];
  const armOne: RunSpec[][] = [
    [ok, ok, ok], // x1: 3 of 3
    [ok, ok, wrong], // x2: 2 of 3
    [ok, wrong, pending], // y1: 1 of 2 finished
    [ok, wrong, wrong], // z1: 1 of 3
  ];
  const report = computeReport({
    experiment: {
      id: 'exp-2',
      name: 'repeats',
      status: 'running',
      arms: [arm(0, 'react'), arm(1, 'three roles')],
      repeats: 3,
      baselineArm: 1,
      // the second arm is the baseline here, so the comparison is arm 0 against arm 1
    },
    items: planOf(tasks, [armZero, armOne], [0, 1]),
    scenarioSizes: new Map([
      ['X', 2],
      ['Y', 1],
      ['Z', 1],
    ]),
  });
  const [zero, one] = report.arms;

  it('counts TGC over every finished run', () => {
    // arm 0: (2 + 1 + 0 + 3) / 12 = 6/12; arm 1: (3 + 2 + 1 + 1) / (3 + 3 + 2 + 3) = 7/11
    expect(zero!.rows[0]!.tgc).toMatchObject({ rate: 0.5, successes: 6, n: 12 });
    expect(one!.rows[0]!.tgc).toMatchObject({ rate: 7 / 11, successes: 7, n: 11 });
    expect(one!.pending).toBe(1);
    expect(one!.finished).toBe(11);
    // difficulty 1 (x1, y1): arm 0 (2 + 0) / 6; arm 1 (3 + 1) / (3 + 2)
    expect(zero!.rows[1]!.tgc).toMatchObject({ successes: 2, n: 6 });
    expect(one!.rows[1]!.tgc).toMatchObject({ successes: 4, n: 5 });
  });

  it('counts SGC per repeat and sums over repeats', () => {
    // arm 0: r0 X (✓✓) ✓, Y ✗, Z ✓ → 2/3; r1 X (✓✗) ✗, Y ✗, Z ✓ → 1/3; r2 X ✗, Y ✗, Z ✓ → 1/3
    //        summed (2 + 1 + 1) / (3 + 3 + 3) = 4/9
    expect(zero!.rows[0]!.sgc).toMatchObject({ successes: 4, n: 9 });
    expect(zero!.rows[0]!.sgc.rate).toBeCloseTo(4 / 9, 12);
    // arm 1: r0 X ✓, Y ✓, Z ✓ → 3/3; r1 X (✓✓) ✓, Y ✗, Z ✗ → 1/3; r2 X (✓✗) ✗, Y unfinished (left out), Z ✗ → 0/2
    //        summed (3 + 1 + 0) / (3 + 3 + 2) = 4/8 = 0.5 (the plain mean of 1, 1/3 and 0 would be 4/9)
    expect(one!.rows[0]!.sgc).toMatchObject({ rate: 0.5, successes: 4, n: 8 });
    // difficulty 1, X counting only x1: arm 0 r0 X ✓ Y ✗; r1 X ✓ Y ✗; r2 X ✗ Y ✗ → 2/6
    //                                    arm 1 r0 X ✓ Y ✓; r1 X ✓ Y ✗; r2 X ✓, Y left out → 4/5
    expect(zero!.rows[1]!.sgc).toMatchObject({ successes: 2, n: 6 });
    expect(one!.rows[1]!.sgc).toMatchObject({ successes: 4, n: 5 });
  });

  it('bootstraps over tasks and scenarios when tasks repeat', () => {
    expect(report.intervals).toEqual({ method: 'task_bootstrap', level: 0.95 });
    // tasks' mean success in arm 0: x1 2/3, x2 1/3, y1 0, z1 1
    const tgc = bootstrapMean([2 / 3, 1 / 3, 0, 1], { iterations: 2000, seed: 1, level: 0.95 });
    expect(zero!.rows[0]!.tgc).toMatchObject(tgc);
    expect(tgc.low!).toBeLessThanOrEqual(0.5);
    expect(tgc.high!).toBeGreaterThanOrEqual(0.5);
    // scenarios' mean pass in arm 0: X 1/3, Y 0, Z 1
    expect(zero!.rows[0]!.sgc).toMatchObject(bootstrapMean([1 / 3, 0, 1], { iterations: 2000, seed: 1 }));
  });

  it('gives pass@k and pass^k over tasks with every repeat finished', () => {
    // arm 0, n = 3, c = 2, 1, 0, 3 (every task complete)
    //   pass@1 = (2 + 1 + 0 + 3) / 3 / 4 = 0.5
    //   pass@2 = mean of 1 − C(3 − c, 2)/3: c=2 → 1, c=1 → 1 − 1/3 = 2/3, c=0 → 0, c=3 → 1 → (8/3)/4 = 2/3
    //   pass@3 = share of tasks with any success = 3/4
    //   pass^2 = mean of C(c, 2)/3: 1/3, 0, 0, 1 → (4/3)/4 = 1/3;  pass^3 = only z1 → 1/4
    const values = (list: { k: number; value: number }[]) => list.map((entry) => [entry.k, entry.value]);
    const close = (actual: number[][], expected: number[][]) =>
      actual.forEach(([k, value], i) => {
        expect(k).toBe(expected[i]![0]);
        expect(value).toBeCloseTo(expected[i]![1]!, 12);
      });
    close(values(zero!.passAtK), [
      [1, 0.5],
      [2, 2 / 3],
      [3, 3 / 4],
    ]);
    close(values(zero!.passHatK), [
      [1, 0.5],
      [2, 1 / 3],
      [3, 1 / 4],
    ]);
    // arm 1: y1 is not complete, so x1 c=3, x2 c=2, z1 c=1
    //   pass@1 = 6/9 = 2/3; pass@2 = (1 + 1 + 2/3)/3 = 8/9; pass@3 = 1
    //   pass^2 = (1 + 1/3 + 0)/3 = 4/9; pass^3 = (1 + 0 + 0)/3 = 1/3
    close(values(one!.passAtK), [
      [1, 2 / 3],
      [2, 8 / 9],
      [3, 1],
    ]);
    close(values(one!.passHatK), [
      [1, 2 / 3],
      [2, 4 / 9],
      [3, 1 / 3],
    ]);
    expect(zero!.passAtK).toHaveLength(3);
  });

  it('decides gained and lost by the majority of repeats', () => {
    // paired: x1, x2, z1 (y1 has a pending repeat in arm 1). A task passes with 2 or more of 3.
    //   x1: arm 0 2/3 passes, baseline 3/3 passes → no change
    //   x2: arm 0 1/3 fails, baseline 2/3 passes → lost
    //   z1: arm 0 3/3 passes, baseline 1/3 fails → gained
    // b = 1, c = 1: p = min(1, 2 · (C(2,0) + C(2,1)) / 4) = min(1, 1.5) = 1
    // differences: x1 (2 − 3)/3, x2 (1 − 2)/3, z1 (3 − 1)/3 → (−1 − 1 + 2) / 9 = 0
    expect(report.comparisons).toHaveLength(1);
    const comparison = report.comparisons[0]!;
    expect(comparison).toMatchObject({
      arm: 0,
      baseline: 1,
      pairedTasks: 3,
      gained: ['z1'],
      lost: ['x2'],
      mcnemar: { b: 1, c: 1, pValue: 1 },
      significant: false,
      verdict: '0.0 points, not significant (p = 1)',
    });
    expect(comparison.difference).toBeCloseTo(0, 12);
  });

  it('shows every repeat of a task in its cell', () => {
    expect(report.cells[1]![2]).toEqual({
      passed: 1,
      finished: 2,
      repeats: 3,
      runIds: ['run-1-y1-0', 'run-1-y1-1', null],
      statuses: ['succeeded', 'failed', null],
    });
  });
});

describe('report of an experiment that has not run yet', () => {
  const report = computeReport({
    experiment: {
      id: 'exp-3',
      name: 'fresh',
      status: 'running',
      arms: [arm(0, 'a'), arm(1, 'b')],
      repeats: 1,
      baselineArm: 0,
    },
    items: planOf(
      [{ taskId: 't1', scenario: 'S', difficulty: 2 }],
      [[[{ status: null }]], [[{ status: 'running' }]]],
      [0, 1],
    ),
    scenarioSizes: new Map(),
  });

  it('has empty rates, no cost and no failures', () => {
    const empty = { rate: null, low: null, high: null, successes: 0, n: 0 };
    for (const armReport of report.arms) {
      expect(armReport.rows.map((row) => row.key)).toEqual([
        'aggregate',
        'difficulty_1',
        'difficulty_2',
        'difficulty_3',
      ]);
      for (const row of armReport.rows) expect([row.tgc, row.sgc]).toEqual([empty, empty]);
      expect(armReport.pending).toBe(1);
      expect(armReport.cost).toEqual({
        runs: 0,
        promptTokens: 0,
        completionTokens: 0,
        llmCalls: 0,
        wallMs: 0,
        steps: 0,
        byRole: [],
      });
      expect(armReport.failures).toEqual([]);
    }
    // the one task is of difficulty 2, so the other difficulty rows have no tasks at all
    expect(report.arms[0]!.rows.map((row) => row.tasks)).toEqual([1, 0, 1, 0]);
  });

  it('says there is nothing to compare yet', () => {
    expect(report.comparisons[0]).toMatchObject({
      pairedTasks: 0,
      gained: [],
      lost: [],
      difference: null,
      bootstrap: { low: null, high: null, iterations: 2000, seed: 1 },
      mcnemar: { b: 0, c: 0, pValue: null },
      significant: false,
      verdict: 'no paired tasks yet',
    });
  });
});

describe('verdict', () => {
  it('states the difference and its significance', () => {
    expect(verdictOf({ pairedTasks: 50, difference: 0.123, pValue: 0.004, significant: true })).toBe(
      '+12.3 points, significant (p = 0.004)',
    );
    expect(verdictOf({ pairedTasks: 50, difference: -0.018, pValue: 0.6213, significant: false })).toBe(
      '\u22121.8 points, not significant (p = 0.62)',
    );
  });

  it('says when no task changed outcome', () => {
    expect(verdictOf({ pairedTasks: 5, difference: 0, pValue: null, significant: false })).toBe(
      'no task changed outcome',
    );
    // with repeats the mean can move while every task keeps its majority outcome
    expect(verdictOf({ pairedTasks: 5, difference: 1 / 15, pValue: null, significant: false })).toBe(
      '+6.7 points, no task changed outcome',
    );
    expect(verdictOf({ pairedTasks: 0, difference: null, pValue: null, significant: false })).toBe(
      'no paired tasks yet',
    );
  });

  it('writes p with two significant digits, and small ones as below 0.001', () => {
    expect(formatPValue(0.0625)).toBe('p = 0.063');
    expect(formatPValue(0.14599609375)).toBe('p = 0.15');
    expect(formatPValue(0.0012)).toBe('p = 0.0012');
    expect(formatPValue(0.00099)).toBe('p < 0.001');
    expect(formatPValue(1)).toBe('p = 1');
  });
});
