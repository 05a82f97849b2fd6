/*
 * The statistics an experiment report rests on, free of dependencies so each formula can be checked by hand.
 * Binomial terms are built as running products or in log space: with a few thousand runs, factorials and
 * 0.5^n leave the range of a double long before the answer does.
 */

/** A two-sided interval; both ends null when there was nothing to estimate from. */
export interface Interval {
  low: number | null;
  high: number | null;
}

/** The normal quantile for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion `successes / n`. Successes are a count of runs (or scenarios);
 * the formula itself is continuous in `successes`, but nothing in a report passes a fractional one. Null ends
 * when n is 0.
 */
export function wilson(successes: number, n: number, z = Z_95): Interval {
  if (n === 0) return { low: null, high: null };
  if (!(n > 0) || successes < 0 || successes > n) {
    throw new RangeError(`wilson: ${successes} successes out of ${n}`);
  }
  const p = successes / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  // At 0/n and n/n the interval touches the bound exactly; rounding must not move it off.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === n ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Two-sided exact McNemar test on the discordant pairs: b passed only in one arm, c only in the other. Under the
 * null each discordant pair goes either way with probability ½, so p = min(1, 2 · P(X ≤ min(b, c))) for
 * X ~ Binomial(b + c, ½). Null when there is no discordant pair to test.
 */
export function exactMcNemar(b: number, c: number): number | null {
  if (!Number.isInteger(b) || !Number.isInteger(c) || b < 0 || c < 0) {
    throw new RangeError(`exactMcNemar: b = ${b}, c = ${c}`);
  }
  const n = b + c;
  if (n === 0) return null;
  const m = Math.min(b, c);
  // log of C(n, i) · ½ⁿ, stepped with C(n, i + 1) = C(n, i) · (n − i) / (i + 1). The terms grow up to i = n/2,
  // so the last one is the largest and the sum is scaled by it.
  const logTerms: number[] = [n * Math.log(0.5)];
  for (let i = 0; i < m; i++) logTerms.push(logTerms[i]! + Math.log((n - i) / (i + 1)));
  const largest = logTerms[m]!;
  let scaled = 0;
  for (const logTerm of logTerms) scaled += Math.exp(logTerm - largest);
  return Math.min(1, 2 * Math.exp(largest + Math.log(scaled)));
}

function checkCounts(name: string, n: number, c: number, k: number): void {
  const whole = Number.isInteger(n) && Number.isInteger(c) && Number.isInteger(k);
  if (!whole || c < 0 || c > n || k < 1 || k > n) {
    throw new RangeError(`${name}: n = ${n}, c = ${c}, k = ${k}`);
  }
}

/**
 * pass@k: the chance that at least one of k attempts drawn without replacement from n (c of them correct)
 * succeeds, 1 − C(n − c, k) / C(n, k) (the unbiased estimator of Chen et al., 2021), as a product of k ratios.
 */
export function passAtK(n: number, c: number, k: number): number {
  checkCounts('passAtK', n, c, k);
  if (n - c < k) return 1;
  let allFail = 1;
  for (let j = 0; j < k; j++) allFail *= (n - c - j) / (n - j);
  return 1 - allFail;
}

/** pass^k (τ-bench): the chance that all k attempts drawn from n (c correct) succeed, C(c, k) / C(n, k). */
export function passHatK(n: number, c: number, k: number): number {
  checkCounts('passHatK', n, c, k);
  if (c < k) return 0;
  let allPass = 1;
  for (let j = 0; j < k; j++) allPass *= (c - j) / (n - j);
  return allPass;
}

/** mulberry32: a small, fast seeded generator of floats in [0, 1); the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BootstrapOptions {
  /** Resamples drawn (default 2000). */
  iterations?: number;
  /** Seed of the generator, so an interval is the same every time it is computed (default 1). */
  seed?: number;
  /** Coverage of the interval (default 0.95). */
  level?: number;
}

/** The value at quantile q of sorted values, interpolating linearly between neighbours. */
function quantileOfSorted(sorted: Float64Array, q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

/**
 * Percentile bootstrap interval of the mean: draws `values.length` entries with replacement `iterations` times and
 * takes the (1 − level)/2 and (1 + level)/2 quantiles of the resampled means. Null ends on an empty array.
 */
export function bootstrapMean(values: readonly number[], options: BootstrapOptions = {}): Interval {
  const { iterations = 2000, seed = 1, level = 0.95 } = options;
  const n = values.length;
  if (n === 0) return { low: null, high: null };
  if (!Number.isInteger(iterations) || iterations < 1 || !(level > 0 && level < 1)) {
    throw new RangeError(`bootstrapMean: iterations = ${iterations}, level = ${level}`);
  }
  const random = mulberry32(seed);
  const means = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) sum += values[Math.floor(random() * n)]!;
    means[i] = sum / n;
  }
  means.sort();
  const tail = (1 - level) / 2;
  return { low: quantileOfSorted(means, tail), high: quantileOfSorted(means, 1 - tail) };
}

/**
 * Paired bootstrap interval of a mean difference. Each entry is one task's difference between two arms, so
 * resampling entries resamples tasks and keeps every task's two outcomes together.
 */
export function pairedBootstrap(differences: readonly number[], options: BootstrapOptions = {}): Interval {
  return bootstrapMean(differences, options);
}
