import type { SearchTrial, TrialStatus } from '@trellis/shared';

/*
 * What a search's trials add up to: which one is best, the best-so-far curve, the points of the accuracy against
 * compute chart. Trials that count are the ones that ran or reused a finished one (done, reused, errored), as the
 * server counts them; refused proposals are not trials.
 */

export const countsAsTrial = (trial: Pick<SearchTrial, 'status'>) =>
  trial.status === 'done' || trial.status === 'reused' || trial.status === 'errored';

const scoreOf = (trial: SearchTrial): number | null =>
  (trial.status === 'done' || trial.status === 'reused') && trial.score?.rate != null
    ? trial.score.rate
    : null;

/** The best trial as the server picks it: highest dev TGC, then lowest measured compute, then the earliest. */
export function bestTrial(trials: readonly SearchTrial[]): SearchTrial | null {
  let best: SearchTrial | null = null;
  for (const trial of trials) {
    const score = scoreOf(trial);
    if (score === null) continue;
    const bestScore = best ? scoreOf(best)! : null;
    if (
      best === null ||
      score > bestScore! ||
      (score === bestScore && (trial.compute ?? Infinity) < (best.compute ?? Infinity))
    ) {
      best = trial;
    }
  }
  return best;
}

export interface BestSoFarPoint {
  /** The trial's place among the trials that count, from 1. */
  trial: number;
  /** The trial's index in the search (0-based, refused proposals included). */
  index: number;
  /** The best dev TGC (fraction) of the trials up to this one; null until one has a score. */
  best: number | null;
}

/** The best dev TGC after each trial, in the order the trials were proposed. */
export function bestSoFar(trials: readonly SearchTrial[]): BestSoFarPoint[] {
  let best: number | null = null;
  let n = 0;
  const points: BestSoFarPoint[] = [];
  for (const trial of [...trials].sort((a, b) => a.index - b.index)) {
    if (!countsAsTrial(trial)) continue;
    const score = scoreOf(trial);
    if (score !== null && (best === null || score > best)) best = score;
    points.push({ trial: ++n, index: trial.index, best });
  }
  return points;
}

/** Trials by status, for the progress line: how many ran, were reused, errored, are running, were refused. */
export function trialCounts(trials: readonly SearchTrial[]): Record<TrialStatus, number> {
  const counts: Record<TrialStatus, number> = { running: 0, done: 0, reused: 0, refused: 0, errored: 0 };
  for (const trial of trials) counts[trial.status]++;
  return counts;
}

/** A trial as people number it: "#3" (indices are 0-based). */
export const trialNumber = (index: number) => `#${index + 1}`;

/** Where a reused trial's result came from: another trial of this search, or one of an earlier search. */
export function reusedFrom(trial: Pick<SearchTrial, 'status' | 'reusedFrom'>): string | null {
  if (trial.status !== 'reused') return null;
  return trial.reusedFrom === null
    ? 'reused from an earlier search'
    : `reused from ${trialNumber(trial.reusedFrom)}`;
}
