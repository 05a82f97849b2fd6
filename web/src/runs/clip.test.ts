import { describe, expect, it } from 'vitest';
import { clipText } from './clip.ts';

describe('clipText', () => {
  it('leaves short text whole', () => {
    expect(clipText('short', { chars: 100, lines: 5 })).toEqual({ text: 'short', hidden: 0 });
  });

  it('cuts at the line limit and counts what it hid', () => {
    const text = ['a', 'b', 'c', 'd'].join('\n');
    const clipped = clipText(text, { chars: 100, lines: 2 });
    expect(clipped.text).toBe('a\nb');
    expect(clipped.hidden).toBe(text.length - 3);
  });

  it('cuts long lines at the character limit, preferring a nearby line break', () => {
    expect(clipText('x'.repeat(50), { chars: 10, lines: 5 })).toEqual({ text: 'x'.repeat(10), hidden: 40 });
    const text = `${'y'.repeat(9)}\n${'z'.repeat(20)}`;
    expect(clipText(text, { chars: 11, lines: 5 }).text).toBe('y'.repeat(9));
  });
});
