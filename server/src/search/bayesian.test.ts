import type { Allocation, SearchSpace } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { searchContext, simulateSearch } from '../testing/search.ts';
import { expectedImprovement } from './bayesian.ts';
import { BayesianProposer, RandomProposer, type TrialRecord } from './methods.ts';
import { allocationKey } from './space.ts';

const TOKENS = [256, 512, 1024, 2048];
const TEMPERATURES = [0, 0.3, 0.7, 1];
const SMALL_SPACE: SearchSpace = { agent: { maxOutputTokens: TOKENS, temperature: TEMPERATURES } };
/** Peaks at 1024 tokens and temperature 0.3 (0.9), falling by 0.1 per token step and 0.15 per temperature step. */
const smallObjective = (a: Allocation) =>
  0.9 -
  0.1 * Math.abs(TOKENS.indexOf(a.agent!.maxOutputTokens!) - 2) -
  0.15 * Math.abs(TEMPERATURES.indexOf(a.agent!.temperature!) - 1);
const SMALL_BEST = allocationKey({ agent: { maxOutputTokens: 1024, temperature: 0.3 } });
// No weights, so every model weighs 1: agent tokens + summarizer 512 + corrector 1024 ≤ 3000 allows the agent at
// most 1464 tokens, which rules out the 4 allocations at 2048 and leaves 12 of the 16.
const smallContext = searchContext(SMALL_SPACE, { weights: {}, budget: 3000 });

const T = [128, 256, 384, 512, 640, 768, 896, 1024];
const TEMPS = [0, 0.2, 0.4, 0.6, 0.8, 1];
const LARGE_SPACE: SearchSpace = {
  agent: { maxOutputTokens: T, temperature: TEMPS },
  summarizer: { keepLastTurns: [0, 1, 2, 3, 4, 5] },
};
/** 8 × 6 × 6 = 288 allocations with one best (768 tokens, temperature 0.4, keep 1 turn) scoring 0.95. */
const largeObjective = (a: Allocation) =>
  0.95 -
  0.06 * Math.abs(T.indexOf(a.agent!.maxOutputTokens!) - 5) -
  0.08 * Math.abs(TEMPS.indexOf(a.agent!.temperature!) - 2) -
  0.05 * Math.abs(a.summarizer!.keepLastTurns! - 1);
const LARGE_BEST = allocationKey({
  agent: { maxOutputTokens: 768, temperature: 0.4 },
  summarizer: { keepLastTurns: 1 },
});
const largeContext = searchContext(LARGE_SPACE, { weights: {}, budget: 1e6 });

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

describe('BayesianProposer', () => {
  it('reaches the single best of a 4 × 4 grid within 8 trials for every seed (random search needs up to 11), never over the budget', async () => {
    for (const seed of SEEDS) {
      const proposer = new BayesianProposer(smallContext, seed, { batchSize: 2 });
      const search = await simulateSearch(proposer, smallContext, smallObjective, {
        batch: 2,
        maxTrials: 12,
        targetKey: SMALL_BEST,
      });
      expect(search.refused).toEqual([]);
      expect(search.foundAt, `seed ${seed}`).not.toBeNull();
      expect(search.foundAt!, `seed ${seed}`).toBeLessThanOrEqual(8);
    }
  });

  it('needs far fewer trials than random search on a 288-allocation grid', async () => {
    const trialsToBest = async (make: (seed: number) => BayesianProposer | RandomProposer) => {
      const found: number[] = [];
      for (const seed of SEEDS) {
        const search = await simulateSearch(make(seed), largeContext, largeObjective, {
          batch: 2,
          maxTrials: 288,
          targetKey: LARGE_BEST,
        });
        found.push(search.foundAt!);
      }
      return found;
    };
    const bayesian = await trialsToBest((seed) => new BayesianProposer(largeContext, seed, { batchSize: 2 }));
    const random = await trialsToBest((seed) => new RandomProposer(largeContext, seed));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(Math.max(...bayesian)).toBeLessThanOrEqual(40);
    expect(mean(bayesian) * 3).toBeLessThan(mean(random));
  });

  it('is deterministic for a seed', async () => {
    const run = async () =>
      (
        await simulateSearch(
          new BayesianProposer(smallContext, 4, { batchSize: 2 }),
          smallContext,
          smallObjective,
          {
            batch: 2,
            maxTrials: 10,
          },
        )
      ).history.map((t) => t.key);
    expect(await run()).toEqual(await run());
  });

  it('draws at random until max(batch, 3) trials are scored, or while every score is the same', async () => {
    const bayesian = new BayesianProposer(smallContext, 9, { batchSize: 2 });
    const random = new RandomProposer(smallContext, 9);
    const first = await bayesian.next([], 2);
    expect(first).toEqual(await random.next([], 2));
    const flat: TrialRecord[] = (await random.next([], 4)).map((p) => ({
      allocation: p.allocation as Allocation,
      key: allocationKey(p.allocation as Allocation),
      score: 0.25,
      compute: null,
      declaredCost: 0,
    }));
    expect(await bayesian.next(flat, 2)).toEqual(await random.next(flat, 2));
    flat[0]!.score = 0.5;
    const fitted = await bayesian.next(flat, 2);
    expect(fitted).toHaveLength(2);
    expect(fitted[0]!.rationale).toMatch(/^expected improvement \d\.\d{4}: predicted score/);
  });
});

describe('expectedImprovement', () => {
  it('is the gain when certain, and grows with uncertainty', () => {
    expect(expectedImprovement(0.6, 0, 0.5)).toBeCloseTo(0.1, 12);
    expect(expectedImprovement(0.4, 0, 0.5)).toBe(0);
    // mean = best: EI = std × φ(0) = 0.1 × 0.398942 = 0.0398942
    expect(expectedImprovement(0.5, 0.1, 0.5)).toBeCloseTo(0.0398942, 6);
    expect(expectedImprovement(0.5, 0.2, 0.5)).toBeGreaterThan(expectedImprovement(0.5, 0.1, 0.5));
  });
});
