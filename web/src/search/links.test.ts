import { describe, expect, it } from 'vitest';
import { compareHref, compareIds, searchHref } from './links.ts';

describe('search links', () => {
  it('round-trips the searches to compare through the list URL', () => {
    expect(compareHref(['srch_a', 'srch_b'])).toBe('/searches?compare=srch_a,srch_b');
    expect(compareIds('?compare=srch_a,srch_b,,srch_a')).toEqual(['srch_a', 'srch_b']);
    expect(compareIds('')).toEqual([]);
    expect(compareHref([])).toBe('/searches');
    expect(searchHref('a b')).toBe('/searches/a%20b');
  });
});
