import type { ArmReport, ExperimentReport, RateWithInterval, ReportRow, ReportRowKey } from '@trellis/shared';

/** Test data: a report of arms with the given aggregate TGC and mean tokens, built the way the server shapes it. */

export function rate(value: number | null, n = 10): RateWithInterval {
  return {
    rate: value,
    low: value === null ? null : Math.max(0, value - 0.1),
    high: value === null ? null : Math.min(1, value + 0.1),
    successes: value === null ? 0 : value * n,
    n,
  };
}

export function row(key: ReportRowKey, tgc: number | null, tasks = 10): ReportRow {
  return {
    key,
    tasks,
    scenarios: Math.ceil(tasks / 3),
    tgc: rate(tgc, tasks),
    sgc: rate(tgc, Math.ceil(tasks / 3)),
  };
}

export function arm(
  index: number,
  tgc: number | null,
  tokens: number,
  extra: Partial<ArmReport> = {},
): ArmReport {
  return {
    arm: index,
    label: `arm ${index}`,
    graphName: `graph ${index}`,
    models: ['simulated-small'],
    simulated: true,
    finished: 10,
    pending: 0,
    rows: [
      row('aggregate', tgc),
      row('difficulty_1', tgc, 5),
      row('difficulty_2', tgc, 5),
      row('difficulty_3', null, 0),
    ],
    passAtK: [],
    passHatK: [],
    cost: {
      runs: 10,
      promptTokens: tokens * 0.9,
      completionTokens: tokens * 0.1,
      llmCalls: 12,
      wallMs: 30_000,
      steps: 8,
      byRole: [],
    },
    failures: [],
    ...extra,
  };
}

export function report(arms: ArmReport[], extra: Partial<ExperimentReport> = {}): ExperimentReport {
  return {
    experimentId: 'exp_1',
    name: 'test',
    status: 'finished',
    simulated: true,
    repeats: 1,
    baselineArm: 0,
    intervals: { method: 'wilson', level: 0.95 },
    incompleteScenarios: [],
    arms,
    comparisons: [],
    tasks: [],
    cells: arms.map(() => []),
    computedMs: 3,
    ...extra,
  };
}
