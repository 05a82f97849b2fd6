import { defineNodeKind, defineNodeRegistry, type KindOf, NODE_KINDS, NodeKind } from '@trellis/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { ROLES, type RoleTable } from './index.ts';

/** A throwaway kind in a registry of its own: the engine has no role for it. */
const probe = defineNodeRegistry({
  ...NODE_KINDS,
  probe: defineNodeKind({
    kind: 'probe',
    label: 'Probe',
    description: 'Exists only in this test',
    presentation: { glyph: '?', color: '#808080', order: 25 },
    llm: false,
    config: z.object({}).strict(),
    defaults: () => ({}),
    variables: [],
    fields: [],
  }),
});
type ProbeKind = KindOf<typeof probe.kinds>;

describe("the engine's role table", () => {
  it('has one role for each registered kind', () => {
    expectTypeOf<keyof RoleTable>().toEqualTypeOf<NodeKind>();
    expect(Object.keys(ROLES).sort()).toEqual([...NodeKind.options].sort());
    for (const role of Object.values(ROLES)) expect(role).toBeTypeOf('function');
  });

  it('does not compile once the registry holds a kind without a role', () => {
    // @ts-expect-error: the table has no role for 'probe'.
    const table: { [K in ProbeKind]: unknown } = ROLES;
    expect(probe.NodeKind.options).toContain('probe');
    expect(Object.keys(table)).not.toContain('probe');
  });
});
