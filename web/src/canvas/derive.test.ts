import { type Graph, preset, validateGraph } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { applyEdgeChanges, applyNodeChanges, deriveEdges, FlowNodeCache } from './derive.ts';
import { exportGraph, importGraph } from './io.ts';
import { createEditorStore } from './store/editorStore.ts';

const threeRoles = (): Graph => structuredClone(preset('three-roles').graph);

function input(graph: Graph) {
  return {
    graph,
    selection: { nodes: [], edges: [] },
    measured: {},
    issues: validateGraph(graph, { endpointIds: null }),
    activeNodeId: null,
    endpoints: [{ id: 'ep1', name: 'Local vLLM' }],
  };
}

describe('deriving the canvas from the graph', () => {
  it('makes one typed flow node per graph node with its issues, entry and binding', () => {
    const graph = threeRoles();
    graph.defaults = { endpointId: 'ep1', model: 'qwen3-8b' };
    const nodes = new FlowNodeCache().derive({ ...input(graph), activeNodeId: 'agent' });
    expect(nodes.map((n) => [n.id, n.type])).toEqual([
      ['summarizer', 'summarizer'],
      ['agent', 'agent'],
      ['corrector', 'corrector'],
      ['executor', 'executor'],
    ]);
    expect(nodes[0]!.data.entry).toBe(true);
    expect(nodes[1]!.data.active).toBe(true);
    expect(nodes[1]!.data.binding).toBe('default (Local vLLM) · qwen3-8b');
    expect(nodes[3]!.data.binding).toBe('sandbox');
  });

  it('reuses unchanged flow nodes so memoised components skip rendering', () => {
    const cache = new FlowNodeCache();
    const graph = threeRoles();
    const before = cache.derive(input(graph));
    const moved = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'agent' ? { ...n, label: 'A' } : n)) };
    const after = cache.derive(input(moved));
    expect(after[0]).toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
  });

  it('puts validation issues on the node they concern', () => {
    const graph = threeRoles();
    const corrector = graph.nodes.find((n) => n.id === 'corrector')!;
    if (corrector.kind !== 'corrector') throw new Error('preset changed');
    corrector.config.prompts.user = 'The task: {{task.instruction}}';
    const nodes = new FlowNodeCache().derive(input(graph));
    const issues = nodes.find((n) => n.id === 'corrector')!.data.issues.map((i) => i.code);
    expect(issues).toContain('unknown_variable');
    expect(nodes.find((n) => n.id === 'agent')!.data.issues.map((i) => i.code)).not.toContain(
      'unknown_variable',
    );
  });

  it('labels edges with their condition and their rank among the source edges', () => {
    const graph = threeRoles();
    graph.edges.push({ id: 'agent->executor', from: 'agent', to: 'executor', when: { type: 'on_error' } });
    graph.edges.push({ id: 'x', from: 'agent', to: 'ghost', when: { type: 'always' } });
    const edges = deriveEdges(input(graph));
    const fromAgent = edges.filter((e) => e.source === 'agent');
    expect(fromAgent.map((e) => [e.data?.rank, e.data?.siblings])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(edges.find((e) => e.id === 'x')!.data?.issues[0]?.code).toBe('unknown_node');
  });

  it('applies React Flow moves, sizes, selection and removals to the store', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    applyNodeChanges(
      [
        { type: 'dimensions', id: 'agent', dimensions: { width: 250, height: 140 } },
        { type: 'position', id: 'agent', position: { x: 1, y: 2 }, dragging: true },
        { type: 'select', id: 'agent', selected: true },
      ],
      s().selection,
      s(),
    );
    expect(s().measured.agent).toEqual({ width: 250, height: 140 });
    expect(s().graph.nodes.find((n) => n.id === 'agent')!.position).toEqual({ x: 1, y: 2 });
    expect(s().dragging).toBe(true);
    expect(s().selection.nodes).toEqual(['agent']);
    applyEdgeChanges([{ type: 'select', id: 'agent->corrector', selected: true }], s().selection, s());
    expect(s().selection).toEqual({ nodes: ['agent'], edges: ['agent->corrector'] });
    applyEdgeChanges([{ type: 'remove', id: 'agent->corrector' }], s().selection, s());
    expect(s().graph.edges.map((e) => e.id)).not.toContain('agent->corrector');
    const derived = new FlowNodeCache().derive({ ...input(s().graph), measured: s().measured });
    expect(derived.find((n) => n.id === 'agent')!.measured).toEqual({ width: 250, height: 140 });
  });
});

describe('import and export', () => {
  it('round-trips a graph through its exported JSON', () => {
    const graph = threeRoles();
    const result = importGraph(exportGraph(graph));
    expect(result).toEqual({ ok: true, graph });
  });

  it('accepts a saved version object, and names what is wrong with a bad file', () => {
    expect(importGraph(JSON.stringify({ id: 'gv_1', graph: threeRoles() })).ok).toBe(true);
    expect(importGraph('{nope')).toMatchObject({ ok: false, error: expect.stringContaining('not JSON') });
    const bad = importGraph(JSON.stringify({ ...threeRoles(), nodes: [{ id: 'x', kind: 'oracle' }] }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain('nodes.0');
  });
});
