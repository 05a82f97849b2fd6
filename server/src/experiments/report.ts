import type { ArmComparison, ArmReport, ExperimentReport } from '@trellis/shared';
import { compareArms } from './report-comparison.ts';
import { armCost, armModels, failureGroups } from './report-cost.ts';
import {
  buildMatrix,
  cellOf,
  isFinishedRun,
  type ReportInput,
  type ReportMatrix,
  type ReportTask,
} from './report-matrix.ts';
import { armRows, type IntervalMethod, passKCurves, type RowSet, rowSetsOf } from './report-rates.ts';

export { FINISHED_RUN_STATUSES, isFinishedRun, type ReportInput, type ReportItem } from './report-matrix.ts';

/**
 * Statistics of an experiment from its items and their runs: pure, so the same input gives the same report
 * (bar `computedMs`).
 * - A run is finished when it succeeded, failed or errored; only finished runs count in rates, an errored run
 *   as a failure. Cancelled and interrupted runs are not finished and are grouped as `not_finished`. `pending`
 *   counts items whose run has not ended (none yet, queued, running), skipped items of a stopped experiment too.
 * - TGC: finished runs that succeeded over finished runs (tasks × repeats). SGC: per repeat, a scenario passes
 *   when all its tasks in the row passed, and is left out of a repeat where any of them is unfinished; passes and
 *   counted scenarios are summed over repeats. A difficulty row counts only the scenario's tasks of that
 *   difficulty.
 * - Intervals at 95 %: Wilson with one repeat; with repeats, a percentile bootstrap over tasks (TGC, each task's
 *   mean success over its finished repeats) or scenarios (SGC, each scenario's mean pass over the repeats it was
 *   counted in), 2000 resamples, seed 1.
 * - pass@k and pass^k (k = 1 … repeats) only with repeats, over tasks with every repeat finished.
 * - Every arm but the baseline is compared with it over the paired tasks (every repeat finished in both arms); a
 *   task passes in an arm when more than half its repeats passed; exact McNemar on the tasks that pass in one
 *   arm only, significant below p = 0.05; a paired bootstrap (2000 resamples, seed 1) on the mean difference.
 */
export function computeReport(input: ReportInput): ExperimentReport {
  const started = performance.now();
  const { experiment } = input;
  const matrix = buildMatrix(input);
  const rowSets = rowSetsOf(matrix.tasks);
  const method: IntervalMethod = matrix.repeats > 1 ? 'task_bootstrap' : 'wilson';
  const arms = experiment.arms.map((_, position) => armReport(input, matrix, rowSets, method, position));
  return {
    experimentId: experiment.id,
    name: experiment.name,
    status: experiment.status,
    simulated: arms.some((arm) => arm.simulated),
    repeats: matrix.repeats,
    baselineArm: experiment.baselineArm,
    intervals: { method, level: 0.95 },
    incompleteScenarios: incompleteScenarios(matrix.tasks, input.scenarioSizes),
    arms,
    comparisons: comparisons(input, matrix),
    tasks: matrix.tasks.map((task) => ({ ...task })),
    cells: matrix.outcomes.map((outcomes) => outcomes.map((outcome) => cellOf(outcome, matrix.repeats))),
    computedMs: performance.now() - started,
  };
}

function armReport(
  input: ReportInput,
  matrix: ReportMatrix,
  rowSets: readonly RowSet[],
  method: IntervalMethod,
  position: number,
): ArmReport {
  const arm = input.experiment.arms[position]!;
  const items = matrix.itemsByArm[position]!;
  const outcomes = matrix.outcomes[position]!;
  const finished = items.filter((item) => isFinishedRun(item.runStatus)).length;
  const pending = items.filter(
    (item) => item.runStatus === null || item.runStatus === 'queued' || item.runStatus === 'running',
  ).length;
  return {
    arm: arm.index,
    label: arm.label,
    graphName: arm.graphName,
    ...armModels(items),
    finished,
    pending,
    rows: armRows(outcomes, rowSets, matrix.repeats, method),
    ...passKCurves(outcomes, matrix.repeats),
    cost: armCost(items),
    failures: failureGroups(items),
  };
}

/** Every arm but the baseline against the baseline, in the order of the arms. */
function comparisons(input: ReportInput, matrix: ReportMatrix): ArmComparison[] {
  const baseline = input.experiment.baselineArm;
  const baselinePosition = matrix.armPositions.get(baseline);
  if (baselinePosition === undefined) return [];
  return input.experiment.arms.flatMap((arm, position) =>
    arm.index === baseline
      ? []
      : [
          compareArms(matrix.tasks, matrix.repeats, {
            arm: arm.index,
            baseline,
            outcomes: matrix.outcomes[position]!,
            baselineOutcomes: matrix.outcomes[baselinePosition]!,
          }),
        ],
  );
}

/** Scenarios with fewer distinct tasks in the set than in the suite, by name. */
function incompleteScenarios(tasks: readonly ReportTask[], sizes: ReadonlyMap<string, number>) {
  const present = new Map<string, number>();
  for (const task of tasks) present.set(task.scenario, (present.get(task.scenario) ?? 0) + 1);
  return [...present]
    .flatMap(([scenario, count]) => {
      const total = sizes.get(scenario);
      return total !== undefined && count < total ? [{ scenario, present: count, total }] : [];
    })
    .sort((a, b) => (a.scenario < b.scenario ? -1 : a.scenario > b.scenario ? 1 : 0));
}
