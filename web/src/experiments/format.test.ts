import { describe, expect, it } from 'vitest';
import {
  count,
  percent,
  points,
  pointsInterval,
  pValue,
  rateWithInterval,
  rowLabel,
  share,
} from './format.ts';

describe('report numbers', () => {
  it('shows a rate in percent with one decimal, and a dash when nothing was counted', () => {
    expect(percent(0.456)).toBe('45.6');
    expect(percent(1)).toBe('100.0');
    expect(percent(0)).toBe('0.0');
    expect(percent(null)).toBe('–');
  });

  it('writes a rate with its 95% interval the way papers do', () => {
    expect(rateWithInterval({ rate: 0.456, low: 0.332, high: 0.586 })).toBe('45.6 [33.2, 58.6]');
    expect(rateWithInterval({ rate: 0.5, low: null, high: null })).toBe('50.0');
    expect(rateWithInterval({ rate: null, low: null, high: null })).toBe('–');
  });

  it('signs a difference in points, with a true minus and no negative zero', () => {
    expect(points(0.123)).toBe('+12.3');
    expect(points(-0.04)).toBe('\u22124.0');
    expect(points(-0.0001)).toBe('0.0');
    expect(points(0)).toBe('0.0');
    expect(points(null)).toBe('–');
    expect(pointsInterval(-0.031, 0.204)).toBe('[\u22123.1, +20.4]');
    expect(pointsInterval(null, 0.2)).toBe('');
  });

  it('prints p-values with the precision that matters', () => {
    expect(pValue(0.0004)).toBe('< 0.001');
    expect(pValue(0.004)).toBe('0.004');
    expect(pValue(0.3125)).toBe('0.31');
    expect(pValue(1)).toBe('1.00');
    expect(pValue(null)).toBe('–');
  });

  it('rounds shares for bars, keeping a sliver visible as less than one percent', () => {
    expect(share(0.4249)).toBe('42%');
    expect(share(0.001)).toBe('<1%');
    expect(share(0)).toBe('0%');
  });

  it('counts with the right noun and labels rows in words', () => {
    expect(count(1, 'task')).toBe('1 task');
    expect(count(1200, 'task')).toBe('1,200 tasks');
    expect(rowLabel('difficulty_2')).toBe('difficulty 2');
    expect(rowLabel('aggregate')).toBe('aggregate');
  });
});
