import { describe, expect, it } from 'vitest';
import { foldDiff, lineDiff } from './lineDiff.ts';

const kinds = (text: string) =>
  text
    .split('')
    .map((c) => (c === '=' ? 'same' : c === '-' ? 'removed' : 'added'))
    .join(',');

describe('lineDiff', () => {
  it('keeps shared lines and marks what was removed and added', () => {
    const diff = lineDiff('a\nb\nc\nd', 'a\nB\nc\nd\ne');
    expect(diff.map((l) => l.kind).join(',')).toBe(kinds('=-+==+'));
    expect(diff.filter((l) => l.kind !== 'same').map((l) => l.text)).toEqual(['b', 'B', 'e']);
  });

  it('shows an appended section as added lines only', () => {
    const before = 'Code:\n{{code}}\n\nLast error:\n{{error}}';
    const diff = lineDiff(before, `${before}\n\nDocs:\n{{api_docs}}`);
    expect(diff.filter((l) => l.kind === 'added').map((l) => l.text)).toEqual(['', 'Docs:', '{{api_docs}}']);
    expect(diff.some((l) => l.kind === 'removed')).toBe(false);
  });

  it('treats identical texts as one kept block', () => {
    expect(lineDiff('x\ny', 'x\ny').every((l) => l.kind === 'same')).toBe(true);
  });
});

describe('foldDiff', () => {
  it('folds kept lines far from any change, leaving context around each', () => {
    const before = Array.from({ length: 12 }, (_, i) => `line ${i}`).join('\n');
    const after = before.replace('line 6', 'line six');
    const folded = foldDiff(lineDiff(before, after), 1);
    expect(folded[0]).toEqual({ kind: 'fold', count: 5 });
    expect(folded.at(-1)).toEqual({ kind: 'fold', count: 4 });
    expect(folded.filter((l) => l.kind !== 'fold').map((l) => l.text)).toEqual([
      'line 5',
      'line 6',
      'line six',
      'line 7',
    ]);
  });
});
