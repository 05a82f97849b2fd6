import { z } from 'zod';
import type { StepRecord } from './steps.ts';

export const AlignedRow = z.object({
  /**
   * `same`: both sides ran the same code and saw the same; `changed`: the steps are matched (by their action, or
   * by position) but differ; `left` / `right`: only that side has the step.
   */
  kind: z.enum(['same', 'changed', 'left', 'right']),
  /** Step numbers; null on the side that has no such step. */
  left: z.number().int().nullable(),
  right: z.number().int().nullable(),
});
export type AlignedRow = z.infer<typeof AlignedRow>;

export const Alignment = z.object({
  rows: z.array(AlignedRow),
  /** The first this many rows are the shared prefix (shown collapsed). */
  prefix: z.number().int().nonnegative(),
  /** The index in `rows` of the first row that is not `same`; null when the runs agree on every step. */
  firstDivergence: z.number().int().nonnegative().nullable(),
});
export type Alignment = z.infer<typeof Alignment>;

type Step = Pick<StepRecord, 'step' | 'code' | 'observation' | 'ok'>;

/** The action a step took, insensitive to whitespace and comments: how steps are matched across runs. */
function actionKey(step: Step): string {
  if (step.code === null) return '\u0000no code';
  return step.code
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
    .join('\n');
}

function sameStep(a: Step, b: Step): boolean {
  return a.code === b.code && a.observation === b.observation && a.ok === b.ok;
}

/** Index pairs of a longest common subsequence of the two key lists. */
function commonSubsequence(a: readonly string[], b: readonly string[]): [number, number][] {
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] =
        a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      pairs.push([i++, j++]);
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return pairs;
}

function matched(a: Step, b: Step): AlignedRow {
  return { kind: sameStep(a, b) ? 'same' : 'changed', left: a.step, right: b.step };
}

/** Steps between two anchors: paired by position while both sides have one, then one-sided. */
function gap(left: readonly Step[], right: readonly Step[]): AlignedRow[] {
  const rows: AlignedRow[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const a = left[i];
    const b = right[i];
    if (a && b) rows.push({ kind: 'changed', left: a.step, right: b.step });
    else if (a) rows.push({ kind: 'left', left: a.step, right: null });
    else if (b) rows.push({ kind: 'right', left: null, right: b.step });
  }
  return rows;
}

/**
 * Aligns two runs of the same task step by step. The leading steps both sides share are the prefix; after it,
 * runs of equal length are paired by position, and runs of different lengths are matched by their actions
 * (a longest common subsequence of the code they ran), the steps between matches paired by position.
 */
export function alignSteps(left: readonly Step[], right: readonly Step[]): Alignment {
  let prefix = 0;
  while (prefix < left.length && prefix < right.length && sameStep(left[prefix]!, right[prefix]!)) prefix++;
  const rows: AlignedRow[] = left
    .slice(0, prefix)
    .map((step, i) => ({ kind: 'same', left: step.step, right: right[i]!.step }));
  const restLeft = left.slice(prefix);
  const restRight = right.slice(prefix);

  if (restLeft.length === restRight.length) {
    for (const [i, step] of restLeft.entries()) rows.push(matched(step, restRight[i]!));
  } else {
    let i = 0;
    let j = 0;
    for (const [li, rj] of commonSubsequence(restLeft.map(actionKey), restRight.map(actionKey))) {
      rows.push(...gap(restLeft.slice(i, li), restRight.slice(j, rj)));
      rows.push(matched(restLeft[li]!, restRight[rj]!));
      i = li + 1;
      j = rj + 1;
    }
    rows.push(...gap(restLeft.slice(i), restRight.slice(j)));
  }
  const first = rows.findIndex((row) => row.kind !== 'same');
  return { rows, prefix, firstDivergence: first < 0 ? null : first };
}
