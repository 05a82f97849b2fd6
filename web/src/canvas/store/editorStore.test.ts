import { type Graph, preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { createEditorStore, isDirty } from './editorStore.ts';

const threeRoles = (): Graph => structuredClone(preset('three-roles').graph);

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('editor store', () => {
  it('makes the first node added to an empty graph its entry and selects it', () => {
    const store = createEditorStore();
    const id = store.getState().addNode('agent', { x: 10.4, y: 20.6 });
    const { graph, selection } = store.getState();
    expect(id).toBe('agent');
    expect(graph.entry).toBe('agent');
    expect(graph.nodes[0]?.position).toEqual({ x: 10, y: 21 });
    expect(selection.nodes).toEqual(['agent']);
    expect(store.getState().addNode('agent', { x: 0, y: 0 })).toBe('agent-2');
    expect(store.getState().graph.entry).toBe('agent');
  });

  it('undoes and redoes edits in order, and a new edit clears the redo stack', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().addNode('agent', { x: 0, y: 0 });
    s().addNode('executor', { x: 300, y: 0 });
    s().connect('agent', 'executor');
    expect(s().graph.edges).toHaveLength(1);
    s().undo();
    expect(s().graph.edges).toHaveLength(0);
    s().undo();
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['agent']);
    s().redo();
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['agent', 'executor']);
    s().addNode('corrector', { x: 0, y: 0 });
    s().redo();
    expect(s().graph.edges).toHaveLength(0);
    expect(s().future).toHaveLength(0);
  });

  it('folds rapid edits of one field into one undo step, but not edits of different fields', () => {
    const time = clock();
    const store = createEditorStore({ graph: threeRoles(), now: time.now });
    const s = () => store.getState();
    for (const name of ['T', 'Th', 'Thr']) {
      s().updateGraph((g) => ({ ...g, name }), 'name');
      time.advance(100);
    }
    s().updateGraph((g) => ({ ...g, description: 'x' }), 'description');
    expect(s().past).toHaveLength(2);
    time.advance(5_000);
    s().updateGraph((g) => ({ ...g, name: 'Three' }), 'name');
    expect(s().past).toHaveLength(3);
    s().undo();
    s().undo();
    expect(s().graph.name).toBe('Thr');
    s().undo();
    expect(s().graph.name).toBe('Three roles');
  });

  it('records one undo step for a whole node drag', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    const start = s().graph.nodes[0]!.position;
    s().moveNodes({ summarizer: { x: 50, y: 50 } }, true);
    s().moveNodes({ summarizer: { x: 80, y: 90 } }, true);
    s().moveNodes({ summarizer: { x: 100, y: 120 } }, false);
    expect(s().past).toHaveLength(1);
    expect(s().graph.nodes[0]!.position).toEqual({ x: 100, y: 120 });
    s().undo();
    expect(s().graph.nodes[0]!.position).toEqual(start);
  });

  it('deleting a node removes every edge touching it and moves the entry', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    s().select({ nodes: ['summarizer'] });
    s().removeSelection();
    expect(s().graph.nodes.map((n) => n.id)).toEqual(['agent', 'corrector', 'executor']);
    expect(s().graph.edges.map((e) => e.id)).toEqual(['agent->corrector', 'corrector->executor']);
    expect(s().graph.entry).toBe('agent');
    expect(s().selection.nodes).toEqual([]);
    s().remove(['corrector'], []);
    expect(s().graph.edges.map((e) => e.id)).toEqual([]);
    s().undo();
    s().undo();
    expect(s().graph).toEqual(threeRoles());
  });

  it('duplicates the selection with fresh ids, offset, and the edges between the copies', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    s().select({ nodes: ['agent', 'corrector'] });
    s().duplicateSelection();
    const { graph, selection } = s();
    expect(selection.nodes).toEqual(['agent-2', 'corrector-2']);
    const copy = graph.nodes.find((n) => n.id === 'agent-2')!;
    const original = graph.nodes.find((n) => n.id === 'agent')!;
    expect(copy.position).toEqual({ x: original.position.x + 40, y: original.position.y + 40 });
    expect(copy.config).toEqual(original.config);
    expect(copy.config).not.toBe(original.config);
    expect(graph.edges.filter((e) => e.from === 'agent-2').map((e) => e.to)).toEqual(['corrector-2']);
    expect(graph.edges).toHaveLength(4);
  });

  it('refuses self-loops and duplicate connections', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    expect(s().connect('agent', 'agent')).toBeNull();
    expect(s().connect('agent', 'corrector')).toBeNull();
    expect(s().connect('executor', 'agent')).toBe('executor->agent');
    expect(s().past).toHaveLength(1);
  });

  it('renames a node everywhere as one undo step, and undo selects it under its old id', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    s().setMeasured({ summarizer: { width: 220, height: 130 } });
    s().select({ nodes: ['summarizer'], edges: ['summarizer->agent'] });
    expect(s().renameNode('summarizer', 'compress')).toBeNull();
    expect(s().graph.entry).toBe('compress');
    expect(s().graph.edges[0]).toMatchObject({ id: 'compress->agent', from: 'compress', to: 'agent' });
    expect(s().selection).toEqual({ nodes: ['compress'], edges: ['compress->agent'] });
    expect(s().measured.compress).toEqual({ width: 220, height: 130 });
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(s().graph).toEqual(threeRoles());
    expect(s().selection).toEqual({ nodes: ['summarizer'], edges: ['summarizer->agent'] });
    s().redo();
    expect(s().selection).toEqual({ nodes: ['compress'], edges: ['compress->agent'] });
    expect(s().graph.entry).toBe('compress');
  });

  it('refuses a rename with the reason and leaves the document as it was', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    const before = s().graph;
    expect(s().renameNode('agent', 'executor')).toBe("another node already has the id 'executor'");
    expect(s().renameNode('agent', 'no good')).toBe('ids use only letters, digits, _ and -, not spaces');
    expect(s().renameNode('ghost', 'spirit')).toBe("no node has the id 'ghost'");
    expect(s().renameNode('agent', 'agent')).toBeNull();
    expect(s().graph).toBe(before);
    expect(s().past).toHaveLength(0);
  });

  it('reconnects an edge as one undo step, keeping its id and condition, and refuses what connect refuses', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    s().setEdgeCondition('agent->corrector', { type: 'on_success' });
    const steps = s().past.length;
    expect(s().reconnect('agent->corrector', 'agent', 'agent')).toBe(false);
    expect(s().reconnect('agent->corrector', 'corrector', 'executor')).toBe(false);
    expect(s().past).toHaveLength(steps);
    expect(s().reconnect('agent->corrector', 'agent', 'executor')).toBe(true);
    expect(s().graph.edges.find((e) => e.id === 'agent->corrector')).toMatchObject({
      from: 'agent',
      to: 'executor',
      when: { type: 'on_success' },
    });
    expect(s().past).toHaveLength(steps + 1);
    s().undo();
    expect(s().graph.edges.find((e) => e.id === 'agent->corrector')).toMatchObject({ to: 'corrector' });
  });

  it('sets an edge condition and reorders outgoing edges', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    s().connect('agent', 'executor');
    s().setEdgeCondition('agent->executor', { type: 'on_success' });
    expect(s().graph.edges.find((e) => e.id === 'agent->executor')?.when).toEqual({ type: 'on_success' });
    s().reorderEdge('agent->executor', -1);
    expect(
      s()
        .graph.edges.filter((e) => e.from === 'agent')
        .map((e) => e.to),
    ).toEqual(['executor', 'corrector']);
  });

  it('is dirty after an edit and clean once saved; undo past a load restores the earlier document', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().addNode('agent', { x: 0, y: 0 });
    const draft = s().graph;
    s().markSaved({ graphId: 'g1', id: 'v1', graph: draft });
    expect(isDirty(s())).toBe(false);
    s().updateGraph((g) => ({ ...g, name: 'Changed' }));
    expect(isDirty(s())).toBe(true);
    s().load(threeRoles(), { graphId: 'g2', versionId: 'v9' });
    expect(s().origin).toMatchObject({ graphId: 'g2', versionId: 'v9' });
    expect(isDirty(s())).toBe(false);
    s().undo();
    expect(s().graph.name).toBe('Changed');
    expect(s().origin).toMatchObject({ graphId: 'g1', versionId: 'v1' });
    s().undo();
    s().undo();
    // Before the first save, the snapshot still learns the lineage, so saving again does not fork it.
    expect(s().origin.graphId).toBe('g1');
    expect(s().origin.versionId).toBeNull();
  });

  it('auto-layout is one undo step', () => {
    const store = createEditorStore({ graph: threeRoles() });
    const s = () => store.getState();
    s().moveNodes({ agent: { x: 900, y: 900 } }, false);
    s().autoLayout();
    const agent = s().graph.nodes.find((n) => n.id === 'agent')!;
    expect(agent.position.x).toBeLessThan(900);
    s().undo();
    expect(s().graph.nodes.find((n) => n.id === 'agent')!.position).toEqual({ x: 900, y: 900 });
  });
});
