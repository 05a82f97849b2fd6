import type { MatrixCell } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { armsDiffer, cellRunId, cellText, cellTitle, classifyCell, liveCells } from './matrix.ts';

function cell(statuses: MatrixCell['statuses'], runIds?: MatrixCell['runIds']): MatrixCell {
  const ended = statuses.filter((s) => s === 'succeeded' || s === 'failed' || s === 'errored');
  return {
    passed: statuses.filter((s) => s === 'succeeded').length,
    finished: ended.length,
    repeats: statuses.length,
    runIds: runIds ?? statuses.map((s, i) => (s === null ? null : `run-${i}`)),
    statuses,
  };
}

describe('task × arm cells', () => {
  it('tells every repeat passed, some, none, errored, running and not run apart', () => {
    expect(classifyCell(cell(['succeeded', 'succeeded', 'succeeded']))).toBe('all');
    expect(classifyCell(cell(['succeeded', 'failed', 'succeeded']))).toBe('some');
    expect(classifyCell(cell(['failed', 'failed', 'failed']))).toBe('none');
    expect(classifyCell(cell(['errored', null, null]))).toBe('errored');
    expect(classifyCell(cell(['running', null, null]))).toBe('running');
    expect(classifyCell(cell([null, null, null]))).toBe('not_run');
    expect(classifyCell(undefined)).toBe('not_run');
  });

  it('counts a failure over an error when no repeat passed', () => {
    expect(classifyCell(cell(['errored', 'failed']))).toBe('none');
  });

  it('shows a cell running while the items say one of its repeats is under way', () => {
    expect(classifyCell(cell([null]), true)).toBe('running');
    expect(classifyCell(undefined, true)).toBe('running');
    expect(classifyCell(cell(['succeeded']), true)).toBe('all');
  });

  it('shows "2/3" over the finished repeats when repeated, a mark when not', () => {
    const twoOfThree = cell(['succeeded', 'failed', 'succeeded']);
    expect(cellText(twoOfThree, 'some', 3)).toBe('2/3');
    const partial = cell(['succeeded', 'running', null]);
    expect(cellText(partial, classifyCell(partial), 3)).toBe('1/1');
    expect(cellTitle(partial, classifyCell(partial), 3)).toContain('2 not finished');
    expect(cellText(cell(['succeeded']), 'all', 1)).toBe('✓');
    expect(cellText(cell(['failed']), 'none', 1)).toBe('✗');
    expect(cellText(cell([null]), 'not_run', 1)).toBe('');
    const cancelled = cell(['cancelled']);
    expect(classifyCell(cancelled)).toBe('not_run');
    expect(cellTitle(cancelled, 'not_run', 1)).toBe(
      'not run · 1 cancelled or interrupted, not counted · click to open its run',
    );
  });

  it("opens the first failing repeat's run, else the first run, else nothing", () => {
    expect(cellRunId(cell(['succeeded', 'failed', 'errored'], ['a', 'b', 'c']))).toBe('b');
    expect(cellRunId(cell(['succeeded', 'succeeded'], ['a', 'b']))).toBe('a');
    expect(cellRunId(cell([null, 'succeeded'], [null, 'b']))).toBe('b');
    expect(cellRunId(cell([null]))).toBeNull();
    expect(cellRunId(undefined)).toBeNull();
  });

  it('finds the cells with a repeat running from the items', () => {
    const item = {
      position: 0,
      arm: 1,
      taskId: 't_1',
      repeat: 0,
      seed: 1,
      runId: null,
      runStatus: null,
      attempts: 1,
    };
    const live = liveCells([
      { ...item, status: 'running' },
      { ...item, arm: 0, status: 'done' },
    ]);
    expect(live.size).toBe(1);
  });

  it('says arms differ on a task only when finished outcomes disagree', () => {
    expect(armsDiffer(['all', 'none'])).toBe(true);
    expect(armsDiffer(['some', 'all'])).toBe(true);
    expect(armsDiffer(['all', 'all', 'not_run'])).toBe(false);
    expect(armsDiffer(['none', 'errored'])).toBe(false);
  });
});
