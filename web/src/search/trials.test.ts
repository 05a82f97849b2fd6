import type { SearchTrial } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { bestSoFar, bestTrial, reusedFrom, trialCounts } from './trials.ts';

function trial(
  index: number,
  status: SearchTrial['status'],
  rate: number | null,
  compute: number | null = 1000,
) {
  return {
    index,
    round: 0,
    allocation: {},
    key: String(index),
    status,
    reason: null,
    rationale: null,
    experimentId: `exp_${index}`,
    reusedFrom: null,
    graphVersionId: null,
    declaredCost: 100,
    score: rate === null ? null : { rate, low: null, high: null, successes: 0, n: 10 },
    compute,
    tokens: compute,
  } satisfies SearchTrial;
}

describe('bestTrial', () => {
  it('takes the highest score, then the lowest compute, then the earliest', () => {
    const trials = [
      trial(0, 'done', 0.4),
      trial(1, 'done', 0.6, 900),
      trial(2, 'reused', 0.6, 800),
      trial(3, 'done', 0.6, 800),
    ];
    expect(bestTrial(trials)?.index).toBe(2);
  });

  it('ignores refused, errored and running trials, and answers null before any score', () => {
    expect(
      bestTrial([trial(0, 'refused', 0.9), trial(1, 'errored', 0.9), trial(2, 'running', null)]),
    ).toBeNull();
  });
});

describe('bestSoFar', () => {
  it('climbs over the trials that count, in the order they were proposed, skipping refused proposals', () => {
    const trials = [
      trial(3, 'done', 0.5),
      trial(0, 'done', 0.3),
      trial(1, 'refused', null),
      trial(2, 'errored', null),
      trial(4, 'reused', 0.4),
      trial(5, 'running', null),
    ];
    expect(bestSoFar(trials)).toEqual([
      { trial: 1, index: 0, best: 0.3 },
      { trial: 2, index: 2, best: 0.3 },
      { trial: 3, index: 3, best: 0.5 },
      { trial: 4, index: 4, best: 0.5 },
    ]);
  });

  it('stays null until a trial has a score', () => {
    expect(bestSoFar([trial(0, 'errored', null), trial(1, 'done', 0.2)]).map((p) => p.best)).toEqual([
      null,
      0.2,
    ]);
  });
});

describe('trialCounts and reusedFrom', () => {
  it('counts trials by status', () => {
    expect(trialCounts([trial(0, 'done', 0.1), trial(1, 'refused', null), trial(2, 'done', 0.2)])).toEqual({
      running: 0,
      done: 2,
      reused: 0,
      refused: 1,
      errored: 0,
    });
  });

  it('names the trial a result was reused from, 1-based, or an earlier search', () => {
    expect(reusedFrom({ status: 'reused', reusedFrom: 2 })).toBe('reused from #3');
    expect(reusedFrom({ status: 'reused', reusedFrom: null })).toBe('reused from an earlier search');
    expect(reusedFrom({ status: 'done', reusedFrom: null })).toBeNull();
  });
});
