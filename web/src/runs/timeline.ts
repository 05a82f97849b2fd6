import type { RoleTotals } from '@trellis/shared';
import { KIND_ORDER } from '../kindTable.ts';
import type { RunView, StepView } from './runView.ts';

/** Roles in the order a turn runs them, as the registry orders kinds; kinds no longer registered sort after these. */
export const ROLE_ORDER: readonly string[] = KIND_ORDER;

export function roleRank(kind: string): number {
  const rank = ROLE_ORDER.indexOf(kind);
  return rank < 0 ? ROLE_ORDER.length : rank;
}

export function byRoleOrder(a: string, b: string): number {
  return roleRank(a) - roleRank(b) || a.localeCompare(b);
}

export interface StepTiming {
  step: number;
  totalMs: number;
  /** Time per node kind in this step, in role order; only kinds that took time. */
  segments: { kind: string; ms: number }[];
}

/**
 * Where a step's time went, per node kind. A node still running counts up to the step's latest event, so a live
 * step grows as it runs.
 */
export function stepTiming(step: StepView): StepTiming {
  const perKind = new Map<string, number>();
  for (const visit of step.visits) {
    const ms = visit.durationMs ?? Math.max(0, step.endedAt - visit.startedAt);
    perKind.set(visit.kind, (perKind.get(visit.kind) ?? 0) + ms);
  }
  const segments = [...perKind.entries()]
    .filter(([, ms]) => ms > 0)
    .sort(([a], [b]) => byRoleOrder(a, b))
    .map(([kind, ms]) => ({ kind, ms }));
  return { step: step.step, totalMs: segments.reduce((n, s) => n + s.ms, 0), segments };
}

export interface RoleRow extends RoleTotals {
  role: string;
  /** Calls still streaming (a live run only); not yet in the totals. */
  streaming: number;
}

/**
 * Per-role totals: the run's own totals once it has finished, else what the responses so far add up to, with the
 * calls still streaming counted apart. The executor makes no model calls; its row counts actions and the time
 * they took.
 */
export function roleRows(view: RunView): RoleRow[] {
  const byRole = view.finished?.totals.byRole ?? view.liveTotals;
  const rows: RoleRow[] = Object.entries(byRole).map(([role, totals]) => ({ role, ...totals, streaming: 0 }));
  if (!view.finished) {
    for (const call of Object.values(view.calls)) {
      if (call.done) continue;
      let row = rows.find((r) => r.role === call.role);
      if (!row) {
        row = {
          role: call.role,
          calls: 0,
          promptTokens: 0,
          completionTokens: 0,
          durationMs: 0,
          streaming: 0,
        };
        rows.push(row);
      }
      row.streaming++;
    }
  }
  let actions = 0;
  let actionMs = 0;
  for (const step of view.steps) {
    for (const action of step.actions) {
      actions++;
      actionMs += action.durationMs;
    }
  }
  if (actions > 0 && !rows.some((r) => r.role === 'executor')) {
    rows.push({
      role: 'executor',
      calls: actions,
      promptTokens: 0,
      completionTokens: 0,
      durationMs: actionMs,
      streaming: 0,
    });
  }
  return rows.sort((a, b) => byRoleOrder(a.role, b.role));
}

/** The shortest bar drawn, in percent of the column, so a step that took almost no time is still visible. */
const MIN_BAR_PERCENT = 3;

/**
 * A step's column as one CSS background: the roles' segments stacked from the bottom, the rest transparent. One
 * element per step instead of one per segment keeps a timeline of hundreds of steps cheap to lay out.
 */
export function stackBackground(timing: StepTiming, longestMs: number): string {
  if (timing.totalMs <= 0 || longestMs <= 0) return 'none';
  const bar = Math.max(MIN_BAR_PERCENT, (timing.totalMs / longestMs) * 100);
  const stops: string[] = [];
  let at = 0;
  for (const segment of timing.segments) {
    const end = at + (segment.ms / timing.totalMs) * bar;
    stops.push(`var(--role-${segment.kind}, var(--role-other)) ${round(at)}% ${round(end)}%`);
    at = end;
  }
  stops.push(`transparent ${round(at)}%`);
  return `linear-gradient(to top, ${stops.join(', ')})`;
}

function round(percent: number): number {
  return Math.round(percent * 100) / 100;
}
