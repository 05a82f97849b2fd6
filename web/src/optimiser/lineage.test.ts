import { describe, expect, it } from 'vitest';
import { bestCandidate, buildLineage, depth, type LineageNode, leafCount, pathTo } from './lineage.ts';
import { candidate } from './testCandidates.ts';

const shape = (nodes: LineageNode[]): unknown[] =>
  nodes.map((n) => (n.children.length ? { [n.candidate.round]: shape(n.children) } : n.candidate.round));

describe('buildLineage', () => {
  // Round 0 scores v0; rounds 1 and 2 edit v0 (round 2 found no valid proposal); round 1 became the best, so
  // round 3 edits v1; round 4 edits v3.
  const candidates = [
    candidate(3, 'v1', 'v3', 'evaluated', 0.7),
    candidate(0, null, 'v0', 'evaluated', 0.4),
    candidate(1, 'v0', 'v1', 'evaluated', 0.5),
    candidate(2, 'v0', null, 'invalid'),
    candidate(4, 'v3', 'v4', 'running'),
  ];

  it('hangs each round under the candidate that saved the version it edits, invalid rounds as leaves', () => {
    const roots = buildLineage(candidates);
    expect(shape(roots)).toEqual([{ 0: [{ 1: [{ 3: [4] }] }, 2] }]);
    expect(leafCount(roots)).toBe(2);
    expect(depth(roots)).toBe(4);
    expect(pathTo(roots, 4)).toEqual([0, 1, 3, 4]);
    expect(pathTo(roots, 9)).toEqual([]);
  });

  it('starts a tree of its own for a candidate whose parent is not there', () => {
    const roots = buildLineage([candidate(0, null, 'v0'), candidate(1, 'elsewhere', 'v1')]);
    expect(shape(roots)).toEqual([0, 1]);
  });

  it('keeps the earliest candidate of a version as its node when a later one saved the same graph', () => {
    const roots = buildLineage([
      candidate(0, null, 'v0'),
      candidate(1, 'v0', 'v0'),
      candidate(2, 'v0', 'v2'),
    ]);
    expect(shape(roots)).toEqual([{ 0: [1, 2] }]);
  });
});

describe('bestCandidate', () => {
  it('takes the highest dev TGC, then fewer tokens, then the earlier round, among evaluated candidates', () => {
    expect(
      bestCandidate([
        candidate(0, null, 'v0', 'evaluated', 0.5, 900),
        candidate(1, 'v0', 'v1', 'evaluated', 0.5, 800),
        candidate(2, 'v1', 'v2', 'evaluated', 0.5, 800),
        candidate(3, 'v1', 'v3', 'errored', 0.9),
      ])?.round,
    ).toBe(1);
    expect(bestCandidate([candidate(0, null, 'v0', 'running')])).toBeNull();
  });
});
