import { describe, expect, it } from 'vitest';
import { ranksAbove, roundReward } from './reward.ts';

describe('the optimiser reward', () => {
  const best = { score: 0.6, cost: 1000 };
  const previous = { score: 0.4, cost: 1000 };

  it('gives 1 for beating the best so far, 0.5 for beating only the previous round, else 0', () => {
    expect(roundReward({ score: 0.7, cost: 5000 }, best, previous)).toBe(1);
    expect(roundReward({ score: 0.5, cost: 1000 }, best, previous)).toBe(0.5);
    expect(roundReward({ score: 0.4, cost: 1000 }, best, previous)).toBe(0);
    expect(roundReward({ score: 0.1, cost: 10 }, best, previous)).toBe(0);
  });

  it('counts the same score for fewer tokens as beating it, and a round with no score as 0', () => {
    expect(roundReward({ score: 0.6, cost: 900 }, best, previous)).toBe(1);
    expect(roundReward({ score: 0.6, cost: 1000 }, best, previous)).toBe(0.5);
    expect(roundReward({ score: 0.4, cost: null }, best, previous)).toBe(0);
    expect(roundReward(null, best, previous)).toBe(0);
    expect(roundReward({ score: 0, cost: null }, null, null)).toBe(1);
  });

  it('ranks by score, then fewer tokens, an unknown cost never winning a tie', () => {
    expect(ranksAbove({ score: 0.5, cost: null }, { score: 0.4, cost: 1 })).toBe(true);
    expect(ranksAbove({ score: 0.5, cost: 1 }, { score: 0.5, cost: null })).toBe(true);
    expect(ranksAbove({ score: 0.5, cost: null }, { score: 0.5, cost: null })).toBe(false);
  });
});
