import type { RateWithInterval } from '@trellis/shared';

/*
 * Numbers as the report shows them. Rates arrive as fractions (0–1) and are shown in percent with one decimal, the
 * way AppWorld's own report prints them; differences between arms are in percentage points.
 */

const MINUS = '\u2212';

/** 0.456 → "45.6"; "–" when nothing was counted. */
export function percent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '–';
  return (rate * 100).toFixed(digits);
}

/** A rate with its interval: "45.6 [33.2, 58.6]", just "45.6" without an interval, "–" when nothing counted. */
export function rateWithInterval(value: Pick<RateWithInterval, 'rate' | 'low' | 'high'>): string {
  if (value.rate === null) return '–';
  if (value.low === null || value.high === null) return percent(value.rate);
  return `${percent(value.rate)} [${percent(value.low)}, ${percent(value.high)}]`;
}

/** A difference of two rates in points, signed: "+12.3", "−4.0", "0.0". */
export function points(difference: number | null | undefined): string {
  if (difference === null || difference === undefined || !Number.isFinite(difference)) return '–';
  const value = (difference * 100).toFixed(1);
  if (Number(value) === 0) return '0.0';
  return difference > 0 ? `+${value}` : `${MINUS}${value.slice(1)}`;
}

/** An interval on a difference, in signed points: "[−3.1, +20.4]"; empty when it was not computed. */
export function pointsInterval(low: number | null, high: number | null): string {
  if (low === null || high === null) return '';
  return `[${points(low)}, ${points(high)}]`;
}

/** A p-value the way papers print it: "< 0.001", "0.004", "0.31", "1.00". */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '–';
  if (p < 0.001) return '< 0.001';
  if (p < 0.01) return p.toFixed(3);
  return p.toFixed(2);
}

/** A share as a whole percent for bars and legends: "42%", "<1%" for a sliver, "0%" for nothing. */
export function share(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction <= 0) return '0%';
  if (fraction < 0.005) return '<1%';
  return `${Math.round(fraction * 100)}%`;
}

/** "3 tasks", "1 task": a count with its noun. */
export function count(n: number, noun: string, plural = `${noun}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? noun : plural}`;
}

/** The label of a report row: "aggregate", "difficulty 1". */
export function rowLabel(key: string): string {
  return key.replace('_', ' ');
}
