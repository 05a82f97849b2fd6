import { describe, expect, it } from 'vitest';
import { foldEvents } from './runView.ts';
import { EventScript } from './testEvents.ts';
import { stepRowIndex, traceRows } from './traceRows.ts';

describe('traceRows', () => {
  it('lists the task, each step and its items in order, then the end', () => {
    const script = new EventScript().started();
    script.add({ type: 'step.started', step: 1 });
    script.call(1, 'agent', ['a']);
    script.action(1, true, 'ok');
    script.add({ type: 'step.started', step: 2 });
    script.finished();
    const rows = traceRows(foldEvents(script.events));
    expect(rows.map((r) => r.type)).toEqual(['start', 'step', 'call', 'action', 'step', 'end']);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
    expect(stepRowIndex(rows, 2)).toBe(4);
    expect(stepRowIndex(rows, 9)).toBe(-1);
  });
});
