import { describe, expect, it } from 'vitest';
import { alignSteps } from './align.ts';

/** A hand-made step: `code` and what it printed. */
const step = (n: number, code: string | null, observation = `out of ${code}`, ok = true) => ({
  step: n,
  code,
  observation,
  ok,
});

const kinds = (rows: { kind: string }[]) => rows.map((r) => r.kind);

describe('aligning two runs step by step', () => {
  it('collapses the shared prefix and points at the first step that differs', () => {
    const left = [step(1, 'login()'), step(2, 'search(q="x")'), step(3, 'pin(1)')];
    const right = [step(1, 'login()'), step(2, 'search(q="y")'), step(3, 'pin(1)')];
    const aligned = alignSteps(left, right);
    expect(aligned.prefix).toBe(1);
    expect(kinds(aligned.rows)).toEqual(['same', 'changed', 'same']);
    expect(aligned.firstDivergence).toBe(1);
    expect(aligned.rows[1]).toEqual({ kind: 'changed', left: 2, right: 2 });
  });

  it('says the runs agree when every step is the same', () => {
    const steps = [step(1, 'a()'), step(2, 'b()')];
    const aligned = alignSteps(steps, steps);
    expect(aligned).toEqual({
      rows: [
        { kind: 'same', left: 1, right: 1 },
        { kind: 'same', left: 2, right: 2 },
      ],
      prefix: 2,
      firstDivergence: null,
    });
  });

  it('matches steps by their actions when the runs differ in length', () => {
    // The right run inserted a failed attempt and a retry; the final actions line up again.
    const left = [step(1, 'login()'), step(2, 'find()'), step(3, 'pin(1)'), step(4, 'complete()')];
    const right = [
      step(1, 'login()'),
      step(2, 'find(wrong=1)', 'TypeError', false),
      step(3, 'find()'),
      step(4, 'pin(1)'),
      step(5, 'complete()'),
    ];
    const aligned = alignSteps(left, right);
    expect(aligned.prefix).toBe(1);
    expect(aligned.rows).toEqual([
      { kind: 'same', left: 1, right: 1 },
      { kind: 'right', left: null, right: 2 },
      { kind: 'same', left: 2, right: 3 },
      { kind: 'same', left: 3, right: 4 },
      { kind: 'same', left: 4, right: 5 },
    ]);
    expect(aligned.firstDivergence).toBe(1);
  });

  it('matches actions whatever their whitespace and comments, and flags a different observation', () => {
    const left = [step(1, 'x = 1'), step(2, 'print(x)  # show', '1')];
    const right = [step(1, 'x = 2'), step(2, 'y = 0'), step(3, 'print(x)', '2')];
    const aligned = alignSteps(left, right);
    expect(aligned.prefix).toBe(0);
    expect(aligned.rows).toEqual([
      { kind: 'changed', left: 1, right: 1 },
      { kind: 'right', left: null, right: 2 },
      { kind: 'changed', left: 2, right: 3 },
    ]);
    expect(aligned.firstDivergence).toBe(0);
  });

  it('pairs unmatched steps by position and leaves the longer side one-sided', () => {
    const left = [step(1, 'a()'), step(2, 'b()'), step(3, null, 'No code', false)];
    const right = [step(1, 'a()'), step(2, 'c()')];
    const aligned = alignSteps(left, right);
    expect(aligned.rows).toEqual([
      { kind: 'same', left: 1, right: 1 },
      { kind: 'changed', left: 2, right: 2 },
      { kind: 'left', left: 3, right: null },
    ]);
  });

  it('aligns an empty run against another as one-sided steps', () => {
    const aligned = alignSteps([], [step(1, 'a()')]);
    expect(aligned).toEqual({
      rows: [{ kind: 'right', left: null, right: 1 }],
      prefix: 0,
      firstDivergence: 0,
    });
  });
});
