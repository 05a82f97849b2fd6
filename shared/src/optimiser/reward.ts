/** A scored graph as the optimiser compares them: dev TGC (fraction) and mean tokens per run. */
export interface Scored {
  score: number;
  cost: number | null;
}

/**
 * Whether `a` ranks above `b`: a higher dev TGC, or the same TGC for fewer tokens per run (an unknown cost never
 * wins a tie).
 */
export function ranksAbove(a: Scored, b: Scored): boolean {
  if (a.score !== b.score) return a.score > b.score;
  return (a.cost ?? Number.POSITIVE_INFINITY) < (b.cost ?? Number.POSITIVE_INFINITY);
}

export const OPTIMISER_REWARD_RULE =
  '1 if the round beats the best graph so far, 0.5 if it beats only the previous round, else 0 (an invalid or errored round gets 0)';

/**
 * The W4S reward of one round (arXiv 2504.04785, §3.3), the discrete form: **1** when the round's graph ranks
 * above the best graph scored before it (round 0, the starting graph, included), **0.5** when it ranks above only
 * the previous scored round, **0** otherwise — and 0 for a round with no score (invalid, errored). "Ranks above"
 * is `ranksAbove`: a higher dev TGC, or the same TGC for fewer tokens per run, the order the optimiser keeps its
 * best by.
 */
export function roundReward(
  round: Scored | null,
  bestBefore: Scored | null,
  previous: Scored | null,
): number {
  if (round === null) return 0;
  if (bestBefore === null || ranksAbove(round, bestBefore)) return 1;
  if (previous !== null && ranksAbove(round, previous)) return 0.5;
  return 0;
}
