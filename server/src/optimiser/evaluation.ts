import {
  FAILURE_CAUSE_LABELS,
  FAILURE_CAUSES,
  type FailureCause,
  type FailureSample,
  failureCause,
  type RateWithInterval,
} from '@trellis/shared';
import { wilson } from '../experiments/stats.ts';
import type { ItemOutcome } from '../store/experiments.ts';
import { getTask } from '../world/index.ts';
import { clip } from './meta-agent.ts';

const finished = (o: ItemOutcome) =>
  o.runStatus === 'succeeded' || o.runStatus === 'failed' || o.runStatus === 'errored';

/** A candidate's dev TGC with its Wilson interval, and its mean tokens per finished run. */
export function scoreOutcomes(outcomes: readonly ItemOutcome[]): {
  score: RateWithInterval;
  cost: number | null;
  /** Every finished run errored: the graph could not be scored. */
  errored: boolean;
} {
  const done = outcomes.filter(finished);
  const successes = done.filter((o) => o.runStatus === 'succeeded').length;
  const n = done.length;
  const interval = n === 0 ? null : wilson(successes, n);
  const costed = done.flatMap((o) => (o.totals ? [o.totals.promptTokens + o.totals.completionTokens] : []));
  return {
    score: {
      rate: n === 0 ? null : successes / n,
      low: interval?.low ?? null,
      high: interval?.high ?? null,
      successes,
      n,
    },
    cost: costed.length === 0 ? null : costed.reduce((a, b) => a + b, 0) / costed.length,
    errored: n > 0 && done.every((o) => o.runStatus === 'errored'),
  };
}

const causeOf = (o: ItemOutcome): FailureCause | null =>
  o.runStatus === null
    ? null
    : failureCause({
        status: o.runStatus,
        error: o.runError,
        steps: o.steps,
        noCodeSteps: o.totals?.noCodeSteps,
        apiErrorSteps: o.totals?.apiErrorSteps,
      });

/**
 * Up to `count` failed runs to show the meta-agent, spread over the causes present (one of each cause in turn, in
 * plan order within a cause), so one dominant cause does not hide the others. `lastObservation` is asked for only
 * for the runs chosen.
 */
export async function sampleFailures(
  outcomes: readonly ItemOutcome[],
  count: number,
  lastObservation: (runId: string) => Promise<string | null>,
): Promise<{ failures: FailureSample[]; failedRuns: number }> {
  const byCause = new Map<FailureCause, ItemOutcome[]>();
  let failedRuns = 0;
  for (const outcome of outcomes) {
    const cause = causeOf(outcome);
    if (cause === null || cause === 'not_finished') continue;
    failedRuns++;
    byCause.set(cause, [...(byCause.get(cause) ?? []), outcome]);
  }
  const chosen: [FailureCause, ItemOutcome][] = [];
  for (let depth = 0; chosen.length < count; depth++) {
    const before = chosen.length;
    for (const cause of FAILURE_CAUSES) {
      const outcome = byCause.get(cause)?.[depth];
      if (outcome && chosen.length < count) chosen.push([cause, outcome]);
    }
    if (chosen.length === before) break;
  }
  const failures: FailureSample[] = [];
  for (const [cause, outcome] of chosen) {
    const observation = outcome.runId ? await lastObservation(outcome.runId) : null;
    failures.push({
      taskId: outcome.taskId,
      instruction: getTask(outcome.taskId)?.instruction ?? '',
      cause: FAILURE_CAUSE_LABELS[cause],
      runId: outcome.runId,
      error: outcome.runError ? clip(outcome.runError, 300) : null,
      lastObservation: observation ? clip(observation, 600) : null,
    });
  }
  return { failures, failedRuns };
}
