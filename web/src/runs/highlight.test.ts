import { describe, expect, it } from 'vitest';
import { artifactFates, markArtifacts } from './highlight.ts';

describe('markArtifacts', () => {
  const fates = artifactFates({
    artifactsKept: ['tok_123', 'alice@example.com'],
    artifactsRestored: ['pw-9'],
    artifactsLost: ['id 42'],
  });

  it('marks every occurrence with its fate', () => {
    const segments = markArtifacts('use tok_123 and pw-9; tok_123 again', fates);
    expect(segments).toEqual([
      { text: 'use ', fate: null },
      { text: 'tok_123', fate: 'kept' },
      { text: ' and ', fate: null },
      { text: 'pw-9', fate: 'restored' },
      { text: '; ', fate: null },
      { text: 'tok_123', fate: 'kept' },
      { text: ' again', fate: null },
    ]);
  });

  it('prefers the longer artifact where two start at the same place', () => {
    const both = new Map([
      ['abc', 'kept' as const],
      ['abcdef', 'lost' as const],
    ]);
    expect(markArtifacts('xabcdefx', both).map((s) => s.fate)).toEqual([null, 'lost', null]);
  });

  it('returns the text as one plain segment when nothing matches', () => {
    expect(markArtifacts('nothing here', fates)).toEqual([{ text: 'nothing here', fate: null }]);
    expect(markArtifacts('', fates)).toEqual([]);
  });

  it('lets a lost artifact stay lost even when also listed as kept', () => {
    const mixed = artifactFates({ artifactsKept: ['a1'], artifactsRestored: [], artifactsLost: ['a1'] });
    expect(mixed.get('a1')).toBe('lost');
  });
});
