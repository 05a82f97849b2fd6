import { RandomForestRegression } from 'ml-random-forest';
import { mulberry32 } from '../experiments/stats.ts';
import { type Candidate, candidatePool, drawWithoutReplacement, roundSeed } from './candidates.ts';
import { CATEGORICAL_KNOBS, type KnobValue, type SearchedKnob, sameValue, searchedKnobs } from './knobs.ts';
import type { Proposal, Proposer, SearchContext, TrialRecord } from './methods.ts';
import { RandomProposer } from './random.ts';

export interface BayesianProposerOptions {
  /** The search's batch size: the first max(batchSize, 3) scored trials are drawn at random. */
  batchSize?: number;
  /** Trees in the forest (default 32). */
  trees?: number;
}

/** The allocation as numbers: one-hot columns for a categorical knob's values, the value itself for a numeric one. */
export function encodeAllocation(
  knobs: readonly SearchedKnob[],
  allocation: TrialRecord['allocation'],
): number[] {
  const vector: number[] = [];
  for (const knob of knobs) {
    const value = allocation[knob.nodeId]?.[knob.knob] as KnobValue | undefined;
    if (CATEGORICAL_KNOBS.has(knob.knob)) {
      for (const option of knob.values) vector.push(value !== undefined && sameValue(option, value) ? 1 : 0);
    } else {
      vector.push(typeof value === 'number' ? value : Number.NaN);
    }
  }
  return vector;
}

/** Standard normal density and distribution (Abramowitz–Stegun 7.1.26 for erf, error under 1.5e-7). */
const normalPdf = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Expected improvement over `best` of a score predicted as mean ± std (maximising). */
export function expectedImprovement(mean: number, std: number, best: number): number {
  const gain = mean - best;
  if (std <= 1e-12) return Math.max(gain, 0);
  const z = gain / std;
  return gain * normalCdf(z) + std * normalPdf(z);
}

/** Mean and (population) standard deviation of one candidate's per-tree predictions. */
function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/**
 * ml-cart's regression tree refuses a split whose halves have zero squared error when that equals the parent's
 * (always so at the root, whose parent error defaults to 0): with tied scores the forest would not split at all.
 * An offset far below any score difference (1e-9 per trial) separates ties without changing the ranking.
 */
const TIE_OFFSET = 1e-9;

/**
 * SMAC-style Bayesian optimisation: a random-forest surrogate (ml-random-forest) of score against the allocation,
 * the spread of its trees' predictions as the uncertainty, and expected improvement to choose. The first
 * max(batchSize, 3) scored trials are random; after that each round fits the forest on the scored history and
 * proposes the `count` untried allocations within the budget with the highest expected improvement (ties in a
 * seeded random order). Deterministic for a seed and a history.
 */
export class BayesianProposer implements Proposer {
  private readonly random: RandomProposer;
  private readonly initial: number;
  private readonly trees: number;

  constructor(
    private readonly context: SearchContext,
    private readonly seed: number,
    options: BayesianProposerOptions = {},
  ) {
    this.random = new RandomProposer(context, seed);
    this.initial = Math.max(options.batchSize ?? 1, 3);
    this.trees = options.trees ?? 32;
  }

  async next(history: readonly TrialRecord[], count: number): Promise<Proposal[]> {
    const scored = history.filter((t): t is TrialRecord & { score: number } => t.score !== null);
    const scores = scored.map((t) => t.score);
    if (scored.length < this.initial || Math.max(...scores) - Math.min(...scores) < 1e-12) {
      return this.random.next(history, count);
    }
    const random = mulberry32(roundSeed(this.seed, history.length));
    const pool = candidatePool(this.context, new Set(history.map((t) => t.key)), random);
    if (pool.length === 0) return [];
    const shuffled = drawWithoutReplacement(pool, pool.length, random);
    const ranked = this.rank(scored, shuffled, roundSeed(this.seed, history.length) & 0x7fffffff);
    return ranked.slice(0, count).map(({ candidate, mean, std, ei }) => ({
      allocation: candidate.allocation,
      rationale: `expected improvement ${ei.toFixed(4)}: predicted score ${mean.toFixed(3)} ± ${std.toFixed(3)} (${this.trees} trees, ${scored.length} scored trials)`,
    }));
  }

  private rank(
    scored: readonly (TrialRecord & { score: number })[],
    candidates: readonly Candidate[],
    seed: number,
  ) {
    const knobs = searchedKnobs(this.context.space);
    const forest = new RandomForestRegression({
      nEstimators: this.trees,
      seed,
      maxFeatures: 1.0,
      replacement: false,
      useSampleBagging: true,
      // Out-of-bag results are not used, and computing them fails when a bag happens to hold every trial.
      noOOB: true,
      // Grow full trees (few trials each), and let a split that leaves no error stand below the root.
      treeOptions: { minNumSamples: 1, gainThreshold: -1 },
    });
    forest.train(
      scored.map((t) => encodeAllocation(knobs, t.allocation)),
      scored.map((t, i) => t.score + i * TIE_OFFSET),
    );
    const perTree = forest.predictionValues(candidates.map((c) => encodeAllocation(knobs, c.allocation)));
    const best = Math.max(...scored.map((t) => t.score));
    const ranked = candidates.map((candidate, i) => {
      const { mean, std } = meanAndStd(perTree.getRow(i));
      return { candidate, mean, std, ei: expectedImprovement(mean, std, best) };
    });
    // Array.prototype.sort is stable, so equal improvements keep the shuffled order.
    return ranked.sort((a, b) => b.ei - a.ei);
  }
}
