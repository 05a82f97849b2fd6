import { NodeKind, PROBE_REGISTRY, type ProbeKind } from '@trellis/shared';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ROLES, type RoleTable } from './index.ts';

const probe = PROBE_REGISTRY;

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
