import type { ExperimentSummary, MatrixCell, RunStatus, RunTotals } from '@trellis/shared';

/** One (arm, task, repeat) of the plan with what the report reads of its run. */
export interface ReportItem {
  position: number;
  /** The arm's `index`. */
  arm: number;
  taskId: string;
  scenario: string;
  difficulty: number | null;
  /** 0-based: 0 … repeats − 1. */
  repeat: number;
  runId: string | null;
  /** Null: no run yet (pending) or skipped. */
  runStatus: RunStatus | null;
  /** The evaluation's verdict; the report reads the run's status, which the engine sets from it. */
  success: boolean | null;
  error: string | null;
  steps: number;
  totals: RunTotals | null;
  models: string[];
}

export interface ReportInput {
  experiment: Pick<ExperimentSummary, 'id' | 'name' | 'status' | 'arms' | 'repeats' | 'baselineArm'>;
  /** In plan order. */
  items: ReportItem[];
  /** Tasks per scenario in the whole suite, to tell which scenarios the task set holds only in part. */
  scenarioSizes: ReadonlyMap<string, number>;
}

/**
 * Statuses of a *finished* run: it reached an outcome and counts in the rates, `errored` as a failure (as
 * AppWorld counts every non-success). Cancelled and interrupted runs ended without an outcome and are left out.
 */
export const FINISHED_RUN_STATUSES: readonly RunStatus[] = ['succeeded', 'failed', 'errored'];

export function isFinishedRun(status: RunStatus | null): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'errored';
}

export interface ReportTask {
  taskId: string;
  scenario: string;
  difficulty: number | null;
}

/** One task in one arm, its repeats side by side. */
export interface TaskOutcome {
  /** Per repeat: the plan's item, or null when the plan has none. */
  items: (ReportItem | null)[];
  /** Per repeat: whether the run succeeded, or null when it has not finished. */
  passes: (boolean | null)[];
  /** Finished runs that succeeded, and finished runs. */
  passed: number;
  finished: number;
}

export interface ReportMatrix {
  repeats: number;
  /** Distinct tasks in plan order, each described by its first item. */
  tasks: ReportTask[];
  /** outcomes[armPosition][taskIndex], arm positions in the order of `experiment.arms`. */
  outcomes: TaskOutcome[][];
  /** Each arm's items in plan order. */
  itemsByArm: ReportItem[][];
  /** An arm's `index` → its position in `experiment.arms`. */
  armPositions: ReadonlyMap<number, number>;
}

function emptyOutcome(repeats: number): TaskOutcome {
  return { items: Array(repeats).fill(null), passes: Array(repeats).fill(null), passed: 0, finished: 0 };
}

/** Lays the items out as arms × tasks × repeats in one pass. Throws on an item the plan cannot hold. */
export function buildMatrix(input: ReportInput): ReportMatrix {
  const repeats = input.experiment.repeats;
  if (!Number.isInteger(repeats) || repeats < 1)
    throw new RangeError(`repeats must be 1 or more: ${repeats}`);
  const armPositions = new Map(input.experiment.arms.map((arm, position) => [arm.index, position]));
  const items = [...input.items].sort((a, b) => a.position - b.position);
  const taskIndices = new Map<string, number>();
  const tasks: ReportTask[] = [];
  const outcomes: TaskOutcome[][] = input.experiment.arms.map(() => []);
  const itemsByArm: ReportItem[][] = input.experiment.arms.map(() => []);
  for (const item of items) {
    const armPosition = armPositions.get(item.arm);
    if (armPosition === undefined) throw new RangeError(`item ${item.position} names arm ${item.arm}`);
    if (!Number.isInteger(item.repeat) || item.repeat < 0 || item.repeat >= repeats) {
      throw new RangeError(`item ${item.position} is repeat ${item.repeat} of ${repeats}`);
    }
    let taskIndex = taskIndices.get(item.taskId);
    if (taskIndex === undefined) {
      taskIndex = tasks.length;
      taskIndices.set(item.taskId, taskIndex);
      tasks.push({ taskId: item.taskId, scenario: item.scenario, difficulty: item.difficulty });
    }
    const armOutcomes = outcomes[armPosition]!;
    const outcome = armOutcomes[taskIndex] ?? emptyOutcome(repeats);
    armOutcomes[taskIndex] = outcome;
    if (outcome.items[item.repeat] !== null) {
      throw new RangeError(`arm ${item.arm} has task ${item.taskId} twice in repeat ${item.repeat}`);
    }
    outcome.items[item.repeat] = item;
    if (isFinishedRun(item.runStatus)) {
      const passed = item.runStatus === 'succeeded';
      outcome.passes[item.repeat] = passed;
      outcome.finished += 1;
      if (passed) outcome.passed += 1;
    }
    itemsByArm[armPosition]!.push(item);
  }
  // An arm whose plan lacks a task still gets a cell for it, empty.
  for (const armOutcomes of outcomes) {
    for (let t = 0; t < tasks.length; t++) armOutcomes[t] ??= emptyOutcome(repeats);
  }
  return { repeats, tasks, outcomes, itemsByArm, armPositions };
}

/** The matrix cell of one task in one arm. */
export function cellOf(outcome: TaskOutcome, repeats: number): MatrixCell {
  return {
    passed: outcome.passed,
    finished: outcome.finished,
    repeats,
    runIds: outcome.items.map((item) => item?.runId ?? null),
    statuses: outcome.items.map((item) => item?.runStatus ?? null),
  };
}
