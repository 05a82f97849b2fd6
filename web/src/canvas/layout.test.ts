import { type Graph, preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { addNode, connect } from './graphOps.ts';
import { DEFAULT_NODE_SIZE, layoutGraph } from './layout.ts';

const threeRoles = (): Graph => structuredClone(preset('three-roles').graph);

function overlaps(a: { x: number; y: number }, b: { x: number; y: number }) {
  return Math.abs(a.x - b.x) < DEFAULT_NODE_SIZE.width && Math.abs(a.y - b.y) < DEFAULT_NODE_SIZE.height;
}

describe('auto-layout', () => {
  it('puts a chain left to right from the entry, on one row', () => {
    const graph = threeRoles();
    graph.nodes.reverse();
    const p = layoutGraph(graph);
    const xs = ['summarizer', 'agent', 'corrector', 'executor'].map((id) => p[id]!.x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(new Set(xs).size).toBe(4);
    expect(new Set(Object.values(p).map((q) => q.y)).size).toBe(1);
  });

  it('ignores a retry loop back to the agent when ranking', () => {
    const graph = threeRoles();
    graph.edges.push({ id: 'executor->agent', from: 'executor', to: 'agent', when: { type: 'on_error' } });
    const p = layoutGraph(graph);
    expect(p.agent!.x).toBeLessThan(p.executor!.x);
    expect(p.summarizer!.x).toBeLessThan(p.agent!.x);
  });

  it('stacks parallel branches in one column without overlap', () => {
    let graph = threeRoles();
    graph = addNode(graph, 'corrector', { x: 0, y: 0 }).graph;
    graph = connect(graph, 'agent', 'corrector-2')!.graph;
    graph = connect(graph, 'corrector-2', 'executor')!.graph;
    const p = layoutGraph(graph);
    expect(p.corrector!.x).toBe(p['corrector-2']!.x);
    expect(overlaps(p.corrector!, p['corrector-2']!)).toBe(false);
    const ids = Object.keys(p);
    for (const a of ids)
      for (const b of ids) if (a < b) expect(overlaps(p[a]!, p[b]!), `${a}/${b}`).toBe(false);
  });

  it('places unconnected nodes too, and uses measured sizes for spacing', () => {
    let graph = threeRoles();
    graph = addNode(graph, 'agent', { x: 5000, y: 5000 }).graph;
    const wide = { width: 600, height: 100 };
    const p = layoutGraph(graph, { summarizer: wide });
    expect(p['agent-2']).toBeDefined();
    expect(p.agent!.x - p.summarizer!.x).toBeGreaterThanOrEqual(600);
  });
});
