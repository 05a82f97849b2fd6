import { describe, expect, it } from 'vitest';
import {
  bootstrapMean,
  exactMcNemar,
  mulberry32,
  pairedBootstrap,
  passAtK,
  passHatK,
  wilson,
} from './stats.ts';

// z = 1.959963984540054, z² = 3.841458820694125, z²/2 = 1.920729410347063.

describe('wilson', () => {
  it('gives the textbook interval for 7 of 10', () => {
    // centre = (7 + 1.92073) / (10 + 3.84146) = 8.92073 / 13.84146 = 0.644493
    // half = z / (1 + z²/10) · √(0.7 · 0.3 / 10 + z² / 400)
    //      = 1.959964 / 1.384146 · √(0.021 + 0.0096036) = 1.416009 · 0.174939 = 0.247715
    const { low, high } = wilson(7, 10);
    expect(low).toBeCloseTo(0.644493 - 0.247715, 5); // 0.396778
    expect(high).toBeCloseTo(0.644493 + 0.247715, 5); // 0.892208
  });

  it('starts at exactly 0 for 0 of n and ends at exactly 1 for n of n', () => {
    // 0/10: centre = 1.92073 / 13.84146 = 0.138766, half = 1.416009 · √(z² / 400) = 1.416009 · 0.0979982 = 0.138766
    expect(wilson(0, 10).low).toBe(0);
    expect(wilson(0, 10).high).toBeCloseTo(0.138766 + 0.138766, 5); // 0.277533
    // 10/10 mirrors it: low = 1 − 0.277533
    expect(wilson(10, 10).low).toBeCloseTo(0.722467, 5);
    expect(wilson(10, 10).high).toBe(1);
  });

  it('is centred on one half for 3 of 6', () => {
    // centre = (3 + 1.92073) / (6 + 3.84146) = 0.5 exactly; half = 1.959964 / 1.640243 · √(0.25/6 + z²/144)
    //        = 1.194923 · √(0.0416667 + 0.0266768) = 1.194923 · 0.261426 = 0.312384
    const { low, high } = wilson(3, 6);
    expect(low).toBeCloseTo(0.5 - 0.312384, 5);
    expect(high).toBeCloseTo(0.5 + 0.312384, 5);
  });

  it('has no interval for 0 of 0', () => {
    expect(wilson(0, 0)).toEqual({ low: null, high: null });
  });

  it('refuses more successes than trials', () => {
    expect(() => wilson(11, 10)).toThrow(RangeError);
  });
});

/** An exact reference with big integers: 2 · Σ_{i ≤ min(b, c)} C(b + c, i) / 2^(b + c), to 15 digits. */
function mcNemarByBigInt(b: number, c: number): number {
  const n = BigInt(b + c);
  let term = 1n; // C(n, 0)
  let sum = 1n;
  for (let i = 0n; i < BigInt(Math.min(b, c)); i++) {
    term = (term * (n - i)) / (i + 1n);
    sum += term;
  }
  const scale = 10n ** 18n;
  const scaled = (2n * sum * scale) / 2n ** n;
  return Math.min(1, Number(scaled) / 1e18);
}

describe('exactMcNemar', () => {
  it('has no p-value without discordant pairs', () => {
    expect(exactMcNemar(0, 0)).toBeNull();
  });

  it('gives 1 for a single discordant pair', () => {
    // n = 1, min = 0: 2 · C(1, 0) · 0.5¹ = 2 · 0.5 = 1
    expect(exactMcNemar(1, 0)).toBe(1);
  });

  it('gives 2 · 0.5⁵ when five pairs all go one way', () => {
    // n = 5, min = 0: 2 · C(5, 0) · 0.5⁵ = 2 / 32 = 0.0625
    expect(exactMcNemar(0, 5)).toBeCloseTo(0.0625, 12);
  });

  it('sums the binomial tail for 3 against 9', () => {
    // n = 12, min = 3: C(12,0) + C(12,1) + C(12,2) + C(12,3) = 1 + 12 + 66 + 220 = 299
    // p = 2 · 299 / 2¹² = 598 / 4096 = 0.14599609375
    expect(exactMcNemar(3, 9)).toBeCloseTo(598 / 4096, 12);
    expect(exactMcNemar(9, 3)).toBeCloseTo(598 / 4096, 12);
  });

  it('stays finite and exact for 600 against 700', () => {
    // 0.5¹³⁰⁰ underflows a double; the log-space sum does not. Against big-integer arithmetic: 0.0060158
    const p = exactMcNemar(600, 700)!;
    expect(Number.isFinite(p)).toBe(true);
    expect(p).toBeLessThan(0.01);
    expect(p).toBeCloseTo(mcNemarByBigInt(600, 700), 12);
    expect(p).toBeCloseTo(0.0060158, 7);
  });

  it('caps the p-value at 1 when the pairs split evenly', () => {
    // n = 4, min = 2: 2 · (1 + 4 + 6) / 16 = 22 / 16 > 1 → 1
    expect(exactMcNemar(2, 2)).toBe(1);
  });
});

describe('passAtK and passHatK', () => {
  it('computes pass@k as 1 − C(n − c, k) / C(n, k)', () => {
    // n = 3, c = 1, k = 2: 1 − C(2, 2) / C(3, 2) = 1 − 1/3 = 2/3
    expect(passAtK(3, 1, 2)).toBeCloseTo(2 / 3, 12);
    // k = 1 is the plain success rate: 1 − C(2, 1) / C(3, 1) = 1 − 2/3 = 1/3
    expect(passAtK(3, 1, 1)).toBeCloseTo(1 / 3, 12);
    // n = 5, c = 2, k = 3: 1 − C(3, 3) / C(5, 3) = 1 − 1/10 = 0.9
    expect(passAtK(5, 2, 3)).toBeCloseTo(0.9, 12);
    // fewer failures than draws: some draw must succeed
    expect(passAtK(3, 2, 2)).toBe(1);
    expect(passAtK(3, 0, 3)).toBe(0);
  });

  it('computes pass^k as C(c, k) / C(n, k)', () => {
    // n = 3, c = 1, k = 2: C(1, 2) = 0
    expect(passHatK(3, 1, 2)).toBe(0);
    // n = 3, c = 2, k = 2: C(2, 2) / C(3, 2) = 1/3
    expect(passHatK(3, 2, 2)).toBeCloseTo(1 / 3, 12);
    // n = 5, c = 3, k = 2: C(3, 2) / C(5, 2) = 3/10
    expect(passHatK(5, 3, 2)).toBeCloseTo(0.3, 12);
    expect(passHatK(3, 3, 3)).toBe(1);
  });

  it('refuses k beyond the attempts', () => {
    expect(() => passAtK(3, 1, 4)).toThrow(RangeError);
    expect(() => passHatK(3, 4, 1)).toThrow(RangeError);
  });
});

describe('bootstrap', () => {
  it('draws the same sequence from the same seed', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const drawn = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(drawn);
    expect(drawn.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('gives the same interval every time for one seed, and it contains the mean', () => {
    const values = [0, 1, 0, 1, 1, 0, 1, 1]; // mean 5/8 = 0.625
    const first = bootstrapMean(values, { seed: 7 });
    expect(bootstrapMean(values, { seed: 7 })).toEqual(first);
    expect(first.low!).toBeLessThanOrEqual(0.625);
    expect(first.high!).toBeGreaterThanOrEqual(0.625);
    expect(first.low!).toBeGreaterThanOrEqual(0);
    expect(first.high!).toBeLessThanOrEqual(1);
  });

  it('collapses to the value when every difference is the same', () => {
    // every resample's mean is (0.25 · 6) / 6 = 0.25, exact in binary
    expect(pairedBootstrap([0.25, 0.25, 0.25, 0.25, 0.25, 0.25])).toEqual({ low: 0.25, high: 0.25 });
  });

  it('has no interval for no differences', () => {
    expect(pairedBootstrap([])).toEqual({ low: null, high: null });
  });

  it('widens with the level', () => {
    const values = [-1, 0, 0, 1, 1, 0, -1, 1, 1, 0];
    const narrow = pairedBootstrap(values, { level: 0.5 });
    const wide = pairedBootstrap(values, { level: 0.99 });
    expect(wide.low!).toBeLessThan(narrow.low!);
    expect(wide.high!).toBeGreaterThan(narrow.high!);
  });
});
