import { type OptimiserCandidate, ranksAbove } from '@trellis/shared';

/*
 * An optimisation's candidates as a lineage: each round edits the best graph so far, so its candidate hangs under
 * the candidate that first scored that graph (round 0, the starting graph, at the root). Invalid rounds saved no
 * version and stay leaves.
 */

export interface LineageNode {
  candidate: OptimiserCandidate;
  children: LineageNode[];
}

const scoredOf = (c: OptimiserCandidate) =>
  c.status === 'evaluated' && c.score?.rate != null ? { score: c.score.rate, cost: c.cost } : null;

/** The best candidate as the server keeps it: highest dev TGC, then fewer tokens per run, then the earlier round. */
export function bestCandidate(candidates: readonly OptimiserCandidate[]): OptimiserCandidate | null {
  let best: OptimiserCandidate | null = null;
  for (const candidate of [...candidates].sort((a, b) => a.round - b.round)) {
    const scored = scoredOf(candidate);
    if (scored && (best === null || ranksAbove(scored, scoredOf(best)!))) best = candidate;
  }
  return best;
}

/**
 * The candidates as trees, in round order: a candidate's parent is the earliest earlier candidate that saved its
 * parent version. A candidate whose parent is not among them (a version from elsewhere) starts a tree of its own.
 */
export function buildLineage(candidates: readonly OptimiserCandidate[]): LineageNode[] {
  const sorted = [...candidates].sort((a, b) => a.round - b.round);
  const byVersion = new Map<string, LineageNode>();
  const roots: LineageNode[] = [];
  for (const candidate of sorted) {
    const node: LineageNode = { candidate, children: [] };
    const parent = candidate.parentVersionId ? byVersion.get(candidate.parentVersionId) : undefined;
    if (parent && parent.candidate.round < candidate.round) parent.children.push(node);
    else roots.push(node);
    if (candidate.versionId && !byVersion.has(candidate.versionId)) byVersion.set(candidate.versionId, node);
  }
  return roots;
}

/** The rounds on the path from the root to a round (both included): the edits that led to it. */
export function pathTo(roots: readonly LineageNode[], round: number): number[] {
  for (const root of roots) {
    if (root.candidate.round === round) return [round];
    const below = pathTo(root.children, round);
    if (below.length > 0) return [root.candidate.round, ...below];
  }
  return [];
}

/** Leaves under the trees: how tall the tree chart must be to give each its own row. */
export function leafCount(roots: readonly LineageNode[]): number {
  return roots.reduce((n, root) => n + (root.children.length === 0 ? 1 : leafCount(root.children)), 0);
}

/** How deep the deepest branch goes (a lone root is 1). */
export function depth(roots: readonly LineageNode[]): number {
  return roots.reduce((d, root) => Math.max(d, 1 + depth(root.children)), 0);
}
