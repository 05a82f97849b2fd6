import { describe, expect, it } from 'vitest';
import { formatMs, formatTokens } from './format.ts';

describe('format', () => {
  it('formats durations and token counts for reading', () => {
    expect(formatMs(850.4)).toBe('850 ms');
    expect(formatMs(1_250)).toBe('1.25 s');
    expect(formatMs(185_000)).toBe('3 m 05 s');
    expect(formatMs(null)).toBe('–');
    expect(formatTokens(9_874)).toBe('9,874');
    expect(formatTokens(12_345)).toBe('12.3k');
  });
});
