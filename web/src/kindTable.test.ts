import { NODE_KIND_ORDER, NODE_KINDS, NodeKind, PROBE_REGISTRY, type ProbeKind } from '@trellis/shared';
import type { NodeTypes } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { nodeTypes } from './canvas/nodes/nodeTypes.ts';
import { kindColor, kindStyle } from './kindStyle.ts';
import { KIND_COLORS, KIND_ORDER } from './kindTable.ts';
import { byRoleOrder, ROLE_ORDER } from './runs/timeline.ts';

const probe = PROBE_REGISTRY;

describe('node kinds in the web app', () => {
  it('draws each registered kind with its own component', () => {
    expect(Object.keys(nodeTypes).sort()).toEqual([...NodeKind.options].sort());
  });

  it('does not compile once the registry holds a kind without a component', () => {
    // @ts-expect-error: the canvas has no component for 'probe'.
    const map: Record<ProbeKind, NodeTypes[string]> = nodeTypes;
    expect(Object.keys(map)).not.toContain('probe');
  });

  it("orders the trace's roles as the registry orders kinds, a new kind in its place", () => {
    expect(KIND_ORDER).toEqual(NODE_KIND_ORDER);
    expect(ROLE_ORDER).toEqual(NODE_KIND_ORDER);
    expect(probe.order.indexOf('probe')).toBe(2);
    expect(['executor', 'gone', 'agent', 'summarizer'].sort(byRoleOrder)).toEqual([
      'summarizer',
      'agent',
      'executor',
      'gone',
    ]);
  });

  it("colours each kind with its spec's colour, and a kind no longer registered grey", () => {
    for (const kind of NodeKind.options) {
      expect(KIND_COLORS[kind]).toBe(NODE_KINDS[kind].presentation.color);
      expect(kindColor(kind)).toBe(NODE_KINDS[kind].presentation.color);
      expect(kindStyle(kind)).toEqual({ '--kind': `var(--role-${kind})` });
    }
    expect(kindStyle('gone')).toEqual({ '--kind': 'var(--role-other)' });
    expect(kindStyle('toString')).toEqual({ '--kind': 'var(--role-other)' });
  });
});
