import type { ArmReport } from '@trellis/shared';
import { KIND_ORDER } from '../kindTable.ts';

export interface RoleSlice {
  role: string;
  share: number;
}

/**
 * An arm's tokens or model time split by role, in the order a turn visits the roles (unknown roles last, by
 * name), without roles that had none.
 */
export function roleSlices(
  byRole: ArmReport['cost']['byRole'],
  measure: 'tokenShare' | 'timeShare',
): RoleSlice[] {
  const rank = (role: string) => {
    const i = (KIND_ORDER as readonly string[]).indexOf(role);
    return i === -1 ? KIND_ORDER.length : i;
  };
  return byRole
    .filter((r) => r[measure] > 0)
    .sort((a, b) => rank(a.role) - rank(b.role) || a.role.localeCompare(b.role))
    .map((r) => ({ role: r.role, share: r[measure] }));
}

/** Every role some arm used, in the same order, for one legend under the bars. */
export function rolesOf(arms: readonly ArmReport[]): string[] {
  const roles = new Set(arms.flatMap((arm) => roleSlices(arm.cost.byRole, 'tokenShare').map((s) => s.role)));
  for (const arm of arms) for (const s of roleSlices(arm.cost.byRole, 'timeShare')) roles.add(s.role);
  const order = (KIND_ORDER as readonly string[]).filter((k) => roles.has(k));
  return [...order, ...[...roles].filter((r) => !order.includes(r)).sort()];
}
