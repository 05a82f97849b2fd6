import { describe, expect, it } from 'vitest';
import { type CostPoint, paretoFront } from './pareto.ts';

const point = (arm: number, cost: number, accuracy: number): CostPoint => ({
  arm,
  label: `arm ${arm}`,
  cost,
  accuracy,
});

describe('Pareto front of accuracy against tokens', () => {
  it('keeps the points nothing is both cheaper and more accurate than, cheapest first', () => {
    const front = paretoFront([
      point(0, 1000, 0.3),
      point(1, 3000, 0.5),
      point(2, 2500, 0.2),
      point(3, 4000, 0.6),
    ]);
    expect(front.map((p) => p.arm)).toEqual([0, 1, 3]);
  });

  it('drops a point as costly as another but less accurate, and one as accurate but costlier', () => {
    expect(paretoFront([point(0, 1000, 0.5), point(1, 1000, 0.4)]).map((p) => p.arm)).toEqual([0]);
    expect(paretoFront([point(0, 1000, 0.5), point(1, 2000, 0.5)]).map((p) => p.arm)).toEqual([0]);
  });

  it('keeps exact ties and a single point', () => {
    expect(paretoFront([point(0, 1000, 0.5), point(1, 1000, 0.5)])).toHaveLength(2);
    expect(paretoFront([point(0, 10, 0)])).toHaveLength(1);
    expect(paretoFront([])).toEqual([]);
  });
});
