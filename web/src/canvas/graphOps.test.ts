import { type Graph, preset, validateGraph } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { nodeIdProblem, reconnect, reconnectProblem, renameNode } from './graphOps.ts';

const threeRoles = (): Graph => structuredClone(preset('three-roles').graph);

describe('renaming a node', () => {
  it('renames the node, the ends of its edges and the entry, leaving the rest as the same objects', () => {
    const graph = threeRoles();
    const renamed = renameNode(graph, 'summarizer', 'compress')!.graph;
    expect(renamed.nodes.map((n) => n.id)).toEqual(['compress', 'agent', 'corrector', 'executor']);
    expect(renamed.entry).toBe('compress');
    expect(renamed.edges.map((e) => [e.from, e.to])).toEqual([
      ['compress', 'agent'],
      ['agent', 'corrector'],
      ['corrector', 'executor'],
    ]);
    expect(renamed.nodes[1]).toBe(graph.nodes[1]);
    expect(renamed.edges[2]).toBe(graph.edges[2]);
    expect(graph.nodes[0]!.id).toBe('summarizer');
    expect(validateGraph(renamed, { endpointIds: null }).filter((i) => i.severity === 'error')).toEqual([]);
  });

  it('re-derives edge ids made from the old id, keeps chosen ids and conditions', () => {
    const graph = threeRoles();
    graph.edges[1] = { ...graph.edges[1]!, id: 'review', when: { type: 'on_success' } };
    graph.edges.push({ id: 'agent->executor#2', from: 'agent', to: 'executor', when: { type: 'on_error' } });
    const result = renameNode(graph, 'agent', 'coder')!;
    expect(result.graph.edges.map((e) => e.id)).toEqual([
      'summarizer->coder',
      'review',
      'corrector->executor',
      'coder->executor',
    ]);
    expect(result.graph.edges[1]).toMatchObject({
      from: 'coder',
      to: 'corrector',
      when: { type: 'on_success' },
    });
    expect(result.graph.edges[3]!.when).toEqual({ type: 'on_error' });
    expect([...result.edgeIds]).toEqual([
      ['summarizer->agent', 'summarizer->coder'],
      ['agent->executor#2', 'coder->executor'],
    ]);
  });

  it('never gives two edges one id when a re-derived id is already taken', () => {
    const graph = threeRoles();
    graph.edges.push({
      id: 'planner->corrector',
      from: 'summarizer',
      to: 'executor',
      when: { type: 'always' },
    });
    const ids = renameNode(graph, 'agent', 'planner')!.graph.edges.map((e) => e.id);
    expect(ids).toContain('planner->corrector#2');
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('refuses malformed and taken ids, naming the cause', () => {
    const graph = threeRoles();
    expect(nodeIdProblem(graph, 'agent', '')).toBe('a node needs an id');
    expect(nodeIdProblem(graph, 'agent', 'my agent')).toBe(
      'ids use only letters, digits, _ and -, not spaces',
    );
    expect(nodeIdProblem(graph, 'agent', 'a.b/c')).toBe(
      "ids use only letters, digits, _ and -, not '.', '/'",
    );
    expect(nodeIdProblem(graph, 'agent', 'x'.repeat(65))).toBe(
      'an id has at most 64 characters; this one has 65',
    );
    expect(nodeIdProblem(graph, 'agent', 'executor')).toBe("another node already has the id 'executor'");
    expect(nodeIdProblem(graph, 'agent', 'agent')).toBeNull();
    expect(nodeIdProblem(graph, 'agent', 'Agent_2-b')).toBeNull();
    expect(renameNode(graph, 'agent', 'executor')).toBeNull();
    expect(renameNode(graph, 'nobody', 'someone')).toBeNull();
  });
});

describe('reconnecting an edge', () => {
  it('moves either end, keeping the id, the condition and the place among the source edges', () => {
    const graph = threeRoles();
    graph.edges[1] = { ...graph.edges[1]!, when: { type: 'on_success' } };
    const moved = reconnect(graph, 'agent->corrector', 'agent', 'executor')!;
    expect(moved.edges[1]).toEqual({
      id: 'agent->corrector',
      from: 'agent',
      to: 'executor',
      when: { type: 'on_success' },
    });
    expect(moved.edges[0]).toBe(graph.edges[0]);
    const source = reconnect(moved, 'agent->corrector', 'summarizer', 'executor')!;
    expect(source.edges[1]).toMatchObject({ id: 'agent->corrector', from: 'summarizer', to: 'executor' });
  });

  it('follows the rules of connect: no self-loops, no duplicates, no unknown nodes', () => {
    const graph = threeRoles();
    expect(reconnectProblem(graph, 'agent->corrector', 'agent', 'agent')).toBe(
      'a node cannot lead to itself',
    );
    expect(reconnectProblem(graph, 'agent->corrector', 'corrector', 'executor')).toBe(
      'these nodes are already connected',
    );
    expect(reconnectProblem(graph, 'agent->corrector', 'agent', 'ghost')).toBe(
      'both ends must be nodes of this graph',
    );
    expect(reconnectProblem(graph, 'agent->corrector', 'agent', 'corrector')).toBe(
      'the edge already joins these nodes',
    );
    expect(reconnectProblem(graph, 'nope', 'agent', 'executor')).toBe('the edge is no longer in the graph');
    expect(reconnect(graph, 'agent->corrector', 'agent', 'agent')).toBeNull();
  });
});
