import type { SearchTrial } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { bestSoFarOption, trialPoints, trialsScatterOption } from './searchCharts.ts';

function trial(index: number, status: SearchTrial['status'], rate: number | null, compute: number | null) {
  return {
    index,
    round: 0,
    allocation: { agent: { model: { endpointId: 'sim', model: index % 2 ? 'large' : 'small' } } },
    key: String(index),
    status,
    reason: null,
    rationale: null,
    experimentId: `exp_${index}`,
    reusedFrom: null,
    graphVersionId: null,
    declaredCost: 100,
    score: rate === null ? null : { rate, low: rate - 0.1, high: rate + 0.1, successes: 0, n: 10 },
    compute,
    tokens: compute,
  } satisfies SearchTrial;
}

type Series = {
  type: string;
  name: string;
  data: { value?: number[]; index?: number; symbolSize?: number }[];
};
const seriesOf = (option: { series?: unknown }) => option.series as Series[];

describe('the accuracy against compute chart', () => {
  const trials = [
    trial(0, 'done', 0.3, 1000),
    trial(1, 'done', 0.5, 3000),
    trial(2, 'done', 0.2, 2500),
    trial(3, 'reused', 0.3, 1000),
    trial(4, 'refused', null, null),
    trial(5, 'running', null, null),
  ];

  it('plots every scored trial at its compute and TGC, one series per status', () => {
    expect(trialPoints(trials).map((p) => p.index)).toEqual([0, 1, 2, 3]);
    const series = seriesOf(trialsScatterOption(trials));
    const byName = Object.fromEntries(series.map((s) => [s.name, s]));
    expect(byName.ran!.data.map((d) => d.value)).toEqual([
      [1000, 30],
      [3000, 50],
      [2500, 20],
    ]);
    expect(byName.reused!.data.map((d) => d.index)).toEqual([3]);
    expect(byName['errored (some runs)']).toBeUndefined();
  });

  it('draws the Pareto front through the trials nothing beats on both compute and TGC, and rings the best', () => {
    const series = seriesOf(trialsScatterOption(trials));
    expect(series.find((s) => s.name === 'Pareto front')!.data).toEqual([
      [1000, 30],
      [3000, 50],
    ]);
    const best = series.find((s) => s.name === 'ran')!.data.find((d) => d.index === 1)!;
    expect(best.symbolSize).toBe(16);
  });
});

describe('the best-so-far chart', () => {
  it('draws one step line per search, in percent, with a legend only when several are compared', () => {
    const points = [
      { trial: 1, index: 0, best: null },
      { trial: 2, index: 1, best: 0.25 },
    ];
    const one = bestSoFarOption([{ name: 'random', points }]);
    expect((one.legend as { show: boolean }).show).toBe(false);
    expect(seriesOf(one)[0]!.data).toEqual([
      [1, null],
      [2, 25],
    ]);
    const two = bestSoFarOption([
      { name: 'random', points },
      { name: 'bayesian', points },
    ]);
    expect((two.legend as { show: boolean }).show).toBe(true);
    expect(seriesOf(two).map((s) => s.name)).toEqual(['random', 'bayesian']);
  });
});
