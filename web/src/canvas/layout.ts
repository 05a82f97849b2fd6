import type { Graph } from '@trellis/shared';
import type { XY } from './graphOps.ts';

export interface Size {
  width: number;
  height: number;
}

export const DEFAULT_NODE_SIZE: Size = { width: 240, height: 130 };
const GAP_X = 90;
const GAP_Y = 50;
const ORIGIN: XY = { x: 40, y: 40 };

/**
 * Layered left-to-right layout: a turn reads from the entry towards the executor. Back edges (retry loops) are
 * found by a depth-first walk from the entry and ignored for ranking; each node's column is its longest forward
 * path from a root; within a column nodes are ordered by the mean row of their predecessors, then centred.
 */
export function layoutGraph(graph: Graph, measured: Record<string, Size> = {}): Record<string, XY> {
  const ids = graph.nodes.map((n) => n.id);
  const known = new Set(ids);
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const edge of graph.edges) {
    if (known.has(edge.from) && known.has(edge.to) && edge.from !== edge.to)
      out.get(edge.from)!.push(edge.to);
  }

  // Depth-first from the entry, then from any node not yet seen, marking edges into the active path as back edges.
  const state = new Map<string, 'open' | 'done'>();
  const forward = new Map<string, string[]>(ids.map((id) => [id, []]));
  const visit = (v: string) => {
    state.set(v, 'open');
    for (const w of out.get(v)!) {
      const s = state.get(w);
      if (s === 'open') continue;
      forward.get(v)!.push(w);
      if (s === undefined) visit(w);
    }
    state.set(v, 'done');
  };
  const roots = known.has(graph.entry) ? [graph.entry, ...ids] : ids;
  for (const id of roots) if (!state.has(id)) visit(id);

  // Longest-path ranks over the acyclic forward edges.
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const tos of forward.values()) for (const to of tos) indegree.set(to, indegree.get(to)! + 1);
  const rank = new Map<string, number>(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indegree.get(id) === 0);
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of forward.get(v)!) {
      rank.set(w, Math.max(rank.get(w)!, rank.get(v)! + 1));
      indegree.set(w, indegree.get(w)! - 1);
      if (indegree.get(w) === 0) queue.push(w);
    }
  }

  const columns: string[][] = [];
  for (const id of ids) {
    const r = rank.get(id)!;
    columns[r] = [...(columns[r] ?? []), id];
  }
  const row = new Map<string, number>();
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [from, tos] of forward) for (const to of tos) preds.get(to)!.push(from);
  for (const column of columns) {
    if (!column) continue;
    const score = (id: string) => {
      const rows = preds
        .get(id)!
        .map((p) => row.get(p))
        .filter((r) => r !== undefined);
      return rows.length > 0 ? rows.reduce((a, b) => a + b, 0) / rows.length : Number.POSITIVE_INFINITY;
    };
    const order = column.map((id, i) => ({ id, i, s: score(id) }));
    order.sort((a, b) => (a.s === b.s ? a.i - b.i : a.s - b.s));
    order.forEach(({ id }, i) => {
      row.set(id, i);
    });
    column.splice(0, column.length, ...order.map((o) => o.id));
  }

  const size = (id: string) => measured[id] ?? DEFAULT_NODE_SIZE;
  const columnHeight = (column: string[]) =>
    column.reduce((h, id) => h + size(id).height, 0) + GAP_Y * Math.max(0, column.length - 1);
  const tallest = Math.max(0, ...columns.map((c) => (c ? columnHeight(c) : 0)));
  const positions: Record<string, XY> = {};
  let x = ORIGIN.x;
  for (const column of columns) {
    if (!column) continue;
    let y = ORIGIN.y + (tallest - columnHeight(column)) / 2;
    for (const id of column) {
      positions[id] = { x: Math.round(x), y: Math.round(y) };
      y += size(id).height + GAP_Y;
    }
    x += Math.max(...column.map((id) => size(id).width)) + GAP_X;
  }
  return positions;
}
