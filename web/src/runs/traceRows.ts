import type { RunView } from './runView.ts';

/** One row of the virtualised trace. `rev` changes whenever what the row shows changes. */
export type TraceRow =
  | { key: string; type: 'start'; rev: number }
  | { key: string; type: 'step'; step: number; rev: number }
  | { key: string; type: 'call'; step: number; callId: string; rev: number }
  | { key: string; type: 'summary'; step: number; rev: number }
  | { key: string; type: 'correction'; step: number; index: number; rev: number }
  | { key: string; type: 'action'; step: number; index: number; rev: number }
  | { key: string; type: 'end'; rev: number };

/** Flattens the view into rows: the task, then each step's header and its items in the order they happened. */
export function traceRows(view: RunView): TraceRow[] {
  const rows: TraceRow[] = [];
  if (view.started) rows.push({ key: 'start', type: 'start', rev: 0 });
  for (const step of view.steps) {
    const s = step.step;
    rows.push({ key: `s${s}`, type: 'step', step: s, rev: step.rev });
    for (const item of step.items) {
      switch (item.type) {
        case 'call':
          rows.push({
            key: `c${item.callId}`,
            type: 'call',
            step: s,
            callId: item.callId,
            rev: view.calls[item.callId]?.rev ?? 0,
          });
          break;
        case 'summary':
          rows.push({ key: `m${s}`, type: 'summary', step: s, rev: 0 });
          break;
        case 'correction':
          rows.push({ key: `x${s}.${item.index}`, type: 'correction', step: s, index: item.index, rev: 0 });
          break;
        case 'action':
          rows.push({ key: `a${s}.${item.index}`, type: 'action', step: s, index: item.index, rev: 0 });
          break;
      }
    }
  }
  if (view.finished) rows.push({ key: 'end', type: 'end', rev: 0 });
  return rows;
}

/** The index of a step's header row, or -1. */
export function stepRowIndex(rows: readonly TraceRow[], step: number): number {
  return rows.findIndex((row) => row.type === 'step' && row.step === step);
}
