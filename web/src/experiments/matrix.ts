import type { ExperimentItem, MatrixCell, RunStatus } from '@trellis/shared';

/**
 * What a task × arm cell of the matrix shows: its repeats collapsed into one outcome. `running` is a cell with
 * nothing finished yet but a repeat under way; `not_run` one with nothing finished or started.
 */
export type CellOutcome = 'all' | 'some' | 'none' | 'errored' | 'running' | 'not_run';

export const CELL_OUTCOMES: readonly CellOutcome[] = ['all', 'some', 'none', 'errored', 'running', 'not_run'];

export const CELL_OUTCOME_LABEL: Record<CellOutcome, string> = {
  all: 'every repeat passed',
  some: 'some repeats passed',
  none: 'no repeat passed',
  errored: 'errored (re-runnable)',
  running: 'running',
  not_run: 'not run',
};

const FAILING: ReadonlySet<RunStatus> = new Set(['failed', 'errored', 'cancelled', 'interrupted']);
const LIVE: ReadonlySet<RunStatus> = new Set(['queued', 'running']);

/** The outcome of a cell; `live` says a repeat of it is running now (from the experiment's items). */
export function classifyCell(cell: MatrixCell | undefined, live = false): CellOutcome {
  if (!cell) return live ? 'running' : 'not_run';
  const statuses = cell.statuses;
  if (cell.finished > 0 && cell.passed === cell.finished) return 'all';
  if (cell.passed > 0) return 'some';
  // Nothing passed: a verdict of failure needs a run that failed; runs that only errored say nothing about the arm.
  if (statuses.includes('failed')) return 'none';
  if (statuses.includes('errored')) return 'errored';
  if (cell.finished > 0) return 'none';
  if (live || statuses.some((s) => s !== null && LIVE.has(s))) return 'running';
  return 'not_run';
}

/** The text in a cell: "2/3" over the repeats that finished, when repeated; a mark when not. */
export function cellText(cell: MatrixCell | undefined, outcome: CellOutcome, repeats: number): string {
  if (repeats > 1 && cell && cell.finished > 0) return `${cell.passed}/${cell.finished}`;
  switch (outcome) {
    case 'all':
      return '✓';
    case 'some':
    case 'none':
      return '✗';
    case 'errored':
      return '!';
    case 'running':
      return '…';
    case 'not_run':
      return '';
  }
}

/** The run a cell opens: its first failing repeat's run when there is one, else its first run; null without runs. */
export function cellRunId(cell: MatrixCell | undefined): string | null {
  if (!cell) return null;
  const failing = cell.statuses.findIndex(
    (status, i) => status !== null && FAILING.has(status) && cell.runIds[i],
  );
  if (failing >= 0) return cell.runIds[failing]!;
  return cell.runIds.find((id): id is string => id !== null) ?? null;
}

/** A cell's tooltip: its outcome and how many repeats finished, passed and are missing. */
export function cellTitle(cell: MatrixCell | undefined, outcome: CellOutcome, repeats: number): string {
  const parts = [CELL_OUTCOME_LABEL[outcome]];
  const stopped = cell?.statuses.filter((s) => s === 'cancelled' || s === 'interrupted').length ?? 0;
  if (stopped > 0) parts.push(`${stopped} cancelled or interrupted, not counted`);
  if (cell && repeats > 1) {
    parts.push(`${cell.passed} of ${cell.finished} finished repeat(s) passed`);
    if (cell.finished < repeats) parts.push(`${repeats - cell.finished} not finished`);
  }
  if (cellRunId(cell)) parts.push('click to open its run');
  return parts.join(' · ');
}

/** The (arm, task) pairs with a repeat running now, from the experiment's items. */
export function liveCells(items: readonly ExperimentItem[] | undefined): Set<string> {
  const live = new Set<string>();
  for (const item of items ?? []) if (item.status === 'running') live.add(cellKey(item.arm, item.taskId));
  return live;
}

export const cellKey = (arm: number, taskId: string) => `${arm}\u0000${taskId}`;

/** Whether the arms disagree on a task: some arm's outcome differs from another's (only finished cells count). */
export function armsDiffer(outcomes: readonly CellOutcome[]): boolean {
  const finished = outcomes.filter((o) => o === 'all' || o === 'some' || o === 'none');
  return finished.some((o) => o !== finished[0]);
}
