import { type RateWithInterval, type ReportRow, ReportRowKey } from '@trellis/shared';
import type { ReportTask, TaskOutcome } from './report-matrix.ts';
import { bootstrapMean, type Interval, passAtK, passHatK, wilson } from './stats.ts';

export type IntervalMethod = 'wilson' | 'task_bootstrap';

/** The bootstrap behind every rate's interval when tasks repeat; fixed, so a report is the same every time. */
export const RATE_BOOTSTRAP = { iterations: 2000, seed: 1, level: 0.95 } as const;

/** The tasks of one row, and the same tasks grouped by scenario. */
export interface RowSet {
  key: ReportRowKey;
  taskIndices: number[];
  scenarios: number[][];
}

function difficultyOf(key: ReportRowKey): number | null {
  return key === 'aggregate' ? null : Number(key.slice('difficulty_'.length));
}

/**
 * The rows of the report: `aggregate` holds every task, `difficulty_d` the tasks of difficulty d. A scenario's
 * SGC in a difficulty row counts only its tasks of that difficulty.
 */
export function rowSetsOf(tasks: readonly ReportTask[]): RowSet[] {
  return ReportRowKey.options.map((key) => {
    const difficulty = difficultyOf(key);
    const taskIndices: number[] = [];
    const byScenario = new Map<string, number[]>();
    tasks.forEach((task, index) => {
      if (difficulty !== null && task.difficulty !== difficulty) return;
      taskIndices.push(index);
      const group = byScenario.get(task.scenario);
      if (group) group.push(index);
      else byScenario.set(task.scenario, [index]);
    });
    return { key, taskIndices, scenarios: [...byScenario.values()] };
  });
}

function rate(successes: number, n: number, interval: Interval): RateWithInterval {
  if (n === 0) return { rate: null, low: null, high: null, successes: 0, n: 0 };
  return { rate: successes / n, low: interval.low, high: interval.high, successes, n };
}

/** The interval: Wilson on the pooled count once, a bootstrap over the units' own rates with repeats. */
function intervalOf(method: IntervalMethod, successes: number, n: number, unitRates: number[]): Interval {
  return method === 'wilson' ? wilson(successes, n) : bootstrapMean(unitRates, RATE_BOOTSTRAP);
}

/**
 * TGC: finished runs that succeeded over finished runs (with one repeat, the share of tasks whose run
 * succeeded). With repeats the interval resamples tasks, each task carrying its mean success over its finished
 * repeats.
 */
export function tgc(outcomes: readonly TaskOutcome[], row: RowSet, method: IntervalMethod): RateWithInterval {
  let successes = 0;
  let n = 0;
  const taskRates: number[] = [];
  for (const index of row.taskIndices) {
    const outcome = outcomes[index]!;
    successes += outcome.passed;
    n += outcome.finished;
    if (outcome.finished > 0) taskRates.push(outcome.passed / outcome.finished);
  }
  return rate(successes, n, intervalOf(method, successes, n, taskRates));
}

/**
 * SGC: in each repeat, a scenario passes when every one of its tasks in the row passed in that repeat; a
 * scenario with any task unfinished in a repeat is left out of that repeat. Passes and counted scenarios are
 * summed over repeats. With repeats the interval resamples scenarios, each carrying its mean pass over the
 * repeats it was counted in.
 */
export function sgc(
  outcomes: readonly TaskOutcome[],
  row: RowSet,
  repeats: number,
  method: IntervalMethod,
): RateWithInterval {
  let successes = 0;
  let n = 0;
  const scenarioRates: number[] = [];
  for (const taskIndices of row.scenarios) {
    let counted = 0;
    let passed = 0;
    for (let r = 0; r < repeats; r++) {
      const passes = taskIndices.map((index) => outcomes[index]!.passes[r]);
      if (passes.some((pass) => pass === null || pass === undefined)) continue;
      counted += 1;
      if (passes.every(Boolean)) passed += 1;
    }
    successes += passed;
    n += counted;
    if (counted > 0) scenarioRates.push(passed / counted);
  }
  return rate(successes, n, intervalOf(method, successes, n, scenarioRates));
}

/** One arm's rows, always all four, in the order of `ReportRowKey`. */
export function armRows(
  outcomes: readonly TaskOutcome[],
  rowSets: readonly RowSet[],
  repeats: number,
  method: IntervalMethod,
): ReportRow[] {
  return rowSets.map((row) => ({
    key: row.key,
    tasks: row.taskIndices.length,
    scenarios: row.scenarios.length,
    tgc: tgc(outcomes, row, method),
    sgc: sgc(outcomes, row, repeats, method),
  }));
}

export interface KValue {
  k: number;
  value: number;
}

/**
 * pass@k and pass^k for k = 1 … repeats, averaged over the tasks with every repeat finished. Empty with one
 * repeat, and while no task has all its repeats finished.
 */
export function passKCurves(outcomes: readonly TaskOutcome[], repeats: number) {
  const passAt: KValue[] = [];
  const passHat: KValue[] = [];
  const complete = outcomes.filter((outcome) => outcome.finished === repeats);
  if (repeats < 2 || complete.length === 0) return { passAtK: passAt, passHatK: passHat };
  for (let k = 1; k <= repeats; k++) {
    let atSum = 0;
    let hatSum = 0;
    for (const outcome of complete) {
      atSum += passAtK(repeats, outcome.passed, k);
      hatSum += passHatK(repeats, outcome.passed, k);
    }
    passAt.push({ k, value: atSum / complete.length });
    passHat.push({ k, value: hatSum / complete.length });
  }
  return { passAtK: passAt, passHatK: passHat };
}
