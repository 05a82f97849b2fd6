import type { ArmComparison } from '@trellis/shared';
import type { ReportTask, TaskOutcome } from './report-matrix.ts';
import { exactMcNemar, pairedBootstrap } from './stats.ts';

/** The bootstrap on each comparison's difference; written into the report beside its interval. */
export const COMPARISON_BOOTSTRAP = { iterations: 2000, seed: 1, level: 0.95 } as const;

/** The level below which a McNemar p-value counts as significant. */
export const SIGNIFICANCE = 0.05;

/** A task passes in an arm when more than half of its repeats passed (with one repeat: its run succeeded). */
function passesByMajority(outcome: TaskOutcome, repeats: number): boolean {
  return outcome.passed * 2 > repeats;
}

export interface ComparisonArms {
  /** Arm indices, as the report names them. */
  arm: number;
  baseline: number;
  outcomes: readonly TaskOutcome[];
  baselineOutcomes: readonly TaskOutcome[];
}

/**
 * One arm against the baseline, over the paired tasks: those with every repeat finished in both arms. `gained`
 * (b) are the tasks that pass here and fail in the baseline, `lost` (c) the other way round, by the majority
 * rule; `difference` is the mean over paired tasks of this arm's mean success minus the baseline's, with a paired
 * bootstrap interval over those per-task differences; the exact McNemar test on b and c decides `significant`
 * (p < 0.05).
 */
export function compareArms(
  tasks: readonly ReportTask[],
  repeats: number,
  arms: ComparisonArms,
): ArmComparison {
  const gained: string[] = [];
  const lost: string[] = [];
  const differences: number[] = [];
  tasks.forEach((task, index) => {
    const here = arms.outcomes[index]!;
    const there = arms.baselineOutcomes[index]!;
    if (here.finished < repeats || there.finished < repeats) return;
    differences.push((here.passed - there.passed) / repeats);
    const passesHere = passesByMajority(here, repeats);
    const passesThere = passesByMajority(there, repeats);
    if (passesHere && !passesThere) gained.push(task.taskId);
    if (passesThere && !passesHere) lost.push(task.taskId);
  });
  const difference =
    differences.length === 0 ? null : differences.reduce((sum, d) => sum + d, 0) / differences.length;
  const interval = pairedBootstrap(differences, COMPARISON_BOOTSTRAP);
  const b = gained.length;
  const c = lost.length;
  const pValue = exactMcNemar(b, c);
  const significant = pValue !== null && pValue < SIGNIFICANCE;
  return {
    arm: arms.arm,
    baseline: arms.baseline,
    pairedTasks: differences.length,
    gained,
    lost,
    difference,
    bootstrap: {
      low: interval.low,
      high: interval.high,
      iterations: COMPARISON_BOOTSTRAP.iterations,
      seed: COMPARISON_BOOTSTRAP.seed,
    },
    mcnemar: { b, c, pValue },
    significant,
    verdict: verdictOf({ pairedTasks: differences.length, difference, pValue, significant }),
  };
}

/** A p-value for reading: two significant digits, trailing zeros dropped, "p < 0.001" below that. */
export function formatPValue(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${Number(p.toPrecision(2))}`;
}

/** A difference (a fraction) in percentage points with one decimal and its sign, e.g. "+12.3 points". */
export function formatPoints(difference: number): string {
  const points = Math.round(difference * 1000) / 10;
  if (points === 0) return '0.0 points';
  return `${points > 0 ? '+' : '\u2212'}${Math.abs(points).toFixed(1)} points`;
}

/**
 * The comparison in words: "+12.3 points, significant (p = 0.004)", "−1.8 points, not significant (p = 0.62)",
 * "no task changed outcome" when no task passes in one arm only (the difference is given too when repeats still
 * moved it), or "no paired tasks yet".
 */
export function verdictOf(comparison: {
  pairedTasks: number;
  difference: number | null;
  pValue: number | null;
  significant: boolean;
}): string {
  const { pairedTasks, difference, pValue, significant } = comparison;
  if (pairedTasks === 0 || difference === null) return 'no paired tasks yet';
  const points = formatPoints(difference);
  if (pValue === null) {
    return points === '0.0 points' ? 'no task changed outcome' : `${points}, no task changed outcome`;
  }
  return `${points}, ${significant ? 'significant' : 'not significant'} (${formatPValue(pValue)})`;
}
