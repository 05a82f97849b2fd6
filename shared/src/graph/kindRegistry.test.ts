import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { Graph } from './graph.ts';
import { defineNodeRegistry, type KindOf } from './kindRegistry.ts';
import { PROBE_REGISTRY } from './probeKind.ts';
import { NODE_KIND_ORDER, NODE_KINDS, NodeKind } from './registry.ts';

const probe = PROBE_REGISTRY;

describe('the node-kind registry', () => {
  it('lists every kind once: the enum is the registry keys, the order sorts them by presentation', () => {
    expect(NodeKind.options).toEqual(Object.keys(NODE_KINDS));
    expect(NODE_KIND_ORDER).toEqual(['summarizer', 'agent', 'corrector', 'executor']);
    for (const kind of NodeKind.options) expect(NODE_KINDS[kind].kind).toBe(kind);
  });

  it('gives each kind its own glyph, colour and place in the order', () => {
    const presentations = NodeKind.options.map((kind) => NODE_KINDS[kind].presentation);
    for (const p of presentations) expect(p.color).toMatch(/^#[0-9a-f]{6}$/);
    for (const key of ['glyph', 'color', 'order'] as const) {
      expect(new Set(presentations.map((p) => p[key])).size, key).toBe(presentations.length);
    }
  });

  it('derives the enum, the node union and the order of a kind added to the registry alone', () => {
    expect(probe.NodeKind.options).toEqual([...NodeKind.options, 'probe']);
    expect(probe.order).toEqual(['summarizer', 'agent', 'probe', 'corrector', 'executor']);

    const node = probe.GraphNode.parse({ id: 'p1', kind: 'probe', config: { depth: 3 } });
    expect(node).toEqual({
      id: 'p1',
      kind: 'probe',
      label: '',
      position: { x: 0, y: 0 },
      config: { depth: 3 },
    });
    expect(probe.GraphNode.safeParse({ id: 'p1', kind: 'probe', config: { depth: 0 } }).success).toBe(false);
    expect(
      probe.GraphNode.safeParse({ id: 'p1', kind: 'probe', config: { loopBreaker: true } }).success,
    ).toBe(false);
    // The real registry does not know it: graphs refuse it.
    expect(
      Graph.shape.nodes.element.safeParse({ id: 'p1', kind: 'probe', config: { depth: 3 } }).success,
    ).toBe(false);
  });

  it('types each node of a derived union by its kind', () => {
    type ProbeNode = z.infer<typeof probe.GraphNode>;
    expectTypeOf<KindOf<typeof probe.kinds>>().toEqualTypeOf<NodeKind | 'probe'>();
    expectTypeOf<Extract<ProbeNode, { kind: 'probe' }>['config']>().toEqualTypeOf<{ depth: number }>();
    expectTypeOf<Extract<ProbeNode, { kind: 'executor' }>['config']>().toEqualTypeOf<
      z.infer<typeof NODE_KINDS.executor.config>
    >();
    const node = probe.GraphNode.parse({ id: 'p1', kind: 'probe', config: {} });
    if (node.kind === 'probe') expectTypeOf(node.config.depth).toBeNumber();
  });

  it('refuses a spec registered under another name', () => {
    expect(() => defineNodeRegistry({ probe: { ...probe.kinds.probe, kind: 'other' as 'probe' } })).toThrow(
      "node kind 'other' is registered as 'probe'",
    );
  });
});
