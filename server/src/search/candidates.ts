import type { Allocation } from '@trellis/shared';
import { declaredCost } from './compute.ts';
import type { SearchContext } from './methods.ts';
import { allocationKey, allocationSampler, ENUMERATION_CAP, enumerate, spaceSize } from './space.ts';

/** An allocation a proposer may pick: not tried yet and within the budget. */
export interface Candidate {
  allocation: Allocation;
  key: string;
  cost: number;
}

/** How many allocations are drawn to stand for a grid too large to list. */
export const SAMPLED_POOL_SIZE = 2_000;

/** Draws per wanted candidate before a sampled pool gives up (most of a large grid may be over budget or seen). */
const ATTEMPTS_PER_CANDIDATE = 20;

function candidateOf(context: SearchContext, allocation: Allocation): Candidate {
  return {
    allocation,
    key: allocationKey(allocation),
    cost: declaredCost(context.graph, allocation, context.rule, context.defaults),
  };
}

/**
 * The allocations a proposer chooses among: every unseen allocation within the budget, in grid order, when the
 * grid is at most ENUMERATION_CAP; otherwise up to SAMPLED_POOL_SIZE distinct ones drawn uniformly (rejection
 * sampling, so the pool is a uniform sample of the unseen allocations within the budget).
 */
export function candidatePool(
  context: SearchContext,
  seen: ReadonlySet<string>,
  random: () => number,
): Candidate[] {
  const within = (c: Candidate) => !seen.has(c.key) && c.cost <= context.rule.budget;
  if (spaceSize(context.space) <= ENUMERATION_CAP) {
    return enumerate(context.space)
      .map((allocation) => candidateOf(context, allocation))
      .filter(within);
  }
  const sample = allocationSampler(context.space);
  const pool = new Map<string, Candidate>();
  for (let attempt = 0; attempt < SAMPLED_POOL_SIZE * ATTEMPTS_PER_CANDIDATE; attempt++) {
    const candidate = candidateOf(context, sample(random));
    if (within(candidate) && !pool.has(candidate.key)) pool.set(candidate.key, candidate);
    if (pool.size >= SAMPLED_POOL_SIZE) break;
  }
  return [...pool.values()];
}

/** A seed for one round: the search's seed mixed with how much history it has, so a resumed search repeats itself. */
export function roundSeed(seed: number, historyLength: number): number {
  return (seed ^ Math.imul(historyLength + 1, 0x9e3779b1)) >>> 0;
}

/** `count` items drawn without replacement, uniformly (a partial Fisher–Yates shuffle of a copy). */
export function drawWithoutReplacement<T>(items: readonly T[], count: number, random: () => number): T[] {
  const copy = [...items];
  const n = Math.min(count, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}
