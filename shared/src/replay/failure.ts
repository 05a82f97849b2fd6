import type { StepRecord } from './steps.ts';

/*
 * Kept apart from steps.ts, which defines schemas: the run page marks a run's first failure with these rules and
 * so loads no schema code.
 */

/** What the failure rules read of a step. */
export type StepOutcome = Pick<StepRecord, 'step' | 'executed' | 'ok'>;

/**
 * The first step that went wrong: the first whose action failed, else (a run that ended in error) its last step.
 * Null when no step did, such as a run that only failed its evaluation.
 */
export function firstFailedStep(steps: readonly StepOutcome[], status?: string): number | null {
  const failed = steps.find((s) => s.executed && s.ok === false);
  if (failed) return failed.step;
  if (status === 'errored' && steps.length > 0) return steps.at(-1)!.step;
  return null;
}

/** The last step whose action was recorded; 0 when none was. */
export function lastFinishedStep(steps: readonly StepOutcome[]): number {
  return steps.filter((s) => s.executed).at(-1)?.step ?? 0;
}
