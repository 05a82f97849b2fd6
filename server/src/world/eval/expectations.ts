import type { TableName, WorldState } from '../state.ts';
import { type Change, type ChangeKind, describeChange, type Row } from './diff.ts';
import { answerMatches, type ExpectedAnswer, normalizeText, valuesMatch } from './normalize.ts';

export interface EvalContext {
  initial: WorldState;
  final: WorldState;
  changes: Change[];
}

/** One unit test on the final state; returns null when it passes, else a trace saying what was found. */
export interface Check {
  requirement: string;
  label: string;
  run: (ctx: EvalContext) => string | null;
}

/** A change the task is allowed (and usually required) to make; anything not allowed is collateral. */
export interface Allowance {
  table: TableName;
  kind: ChangeKind;
  match: (change: Change) => boolean;
}

/** What a task expects: tests to run and the changes they permit. */
export interface Expectation {
  checks: Check[];
  allows: Allowance[];
}

/** A field test that is not plain equality, e.g. "contains these words". */
export class Matcher {
  constructor(
    readonly describe: string,
    readonly test: (value: unknown) => boolean,
  ) {}
}

export function contains(...parts: string[]): Matcher {
  return new Matcher(`contains ${parts.map((part) => JSON.stringify(part)).join(' and ')}`, (value) => {
    const text = normalizeText(typeof value === 'string' ? value : JSON.stringify(value));
    return parts.every((part) => text.includes(normalizeText(part)));
  });
}

/** Text that names every item of `include` and none of `exclude`. */
export function mentions(include: readonly string[], exclude: readonly string[] = []): Matcher {
  const describe = `mentions ${JSON.stringify(include)}${exclude.length ? ` but not ${JSON.stringify(exclude)}` : ''}`;
  return new Matcher(describe, (value) => {
    const text = normalizeText(typeof value === 'string' ? value : JSON.stringify(value));
    return (
      include.every((item) => text.includes(normalizeText(item))) &&
      !exclude.some((item) => text.includes(normalizeText(item)))
    );
  });
}

export type RowPattern = Record<string, unknown>;

function fieldMatches(expected: unknown, actual: unknown): boolean {
  return expected instanceof Matcher ? expected.test(actual) : valuesMatch(expected, actual);
}

export function rowMatches(pattern: RowPattern, row: Row): boolean {
  return Object.entries(pattern).every(([key, expected]) => fieldMatches(expected, row[key]));
}

export function describePattern(pattern: RowPattern): string {
  const parts = Object.entries(pattern).map(([key, value]) =>
    value instanceof Matcher ? `${key} ${value.describe}` : `${key}=${JSON.stringify(value)}`,
  );
  return `{${parts.join(', ')}}`;
}

/** Pairs each pattern with a distinct row (backtracking; the lists are short). */
function assign(patterns: readonly RowPattern[], rows: readonly Row[]): boolean {
  const used = new Set<number>();
  const place = (index: number): boolean => {
    const pattern = patterns[index];
    if (!pattern) return true;
    for (const [rowIndex, row] of rows.entries()) {
      if (used.has(rowIndex) || !rowMatches(pattern, row)) continue;
      used.add(rowIndex);
      if (place(index + 1)) return true;
      used.delete(rowIndex);
    }
    return false;
  };
  return place(0);
}

function addedRows(ctx: EvalContext, table: TableName): Row[] {
  return ctx.changes.filter((c) => c.table === table && c.kind === 'added').map((c) => c.after as Row);
}

export function answerIs(expected: ExpectedAnswer): Expectation {
  return {
    checks: [
      {
        requirement: `the answer given to complete_task matches ${JSON.stringify(expected)}`,
        label: 'answer',
        run: ({ final }) => {
          const { completed, answer } = final.meta.completion;
          if (!completed) return 'complete_task was never called';
          return answerMatches(expected, answer)
            ? null
            : `expected ${JSON.stringify(expected)}, got ${JSON.stringify(answer)}`;
        },
      },
    ],
    allows: [],
  };
}

/**
 * Exactly these rows were added to `table` (one distinct new row per pattern, in any order).
 * Other tables' follow-on rows are allowed through `extraAllows`.
 */
export function rowsAdded(table: TableName, patterns: readonly RowPattern[], what: string): Expectation {
  return {
    checks: [
      {
        requirement: `${what}: ${patterns.length} new ${table} row(s) matching ${patterns.map(describePattern).join(', ')}`,
        label: 'state',
        run: (ctx) => {
          const rows = addedRows(ctx, table);
          if (rows.length === patterns.length && assign(patterns, rows)) return null;
          return `found ${rows.length} new ${table} row(s): ${JSON.stringify(rows)}`;
        },
      },
    ],
    allows: [{ table, kind: 'added', match: () => true }],
  };
}

/** The row now has these field values; only those fields (and `updated_at`) may change on it. */
export function rowUpdated(table: TableName, id: number, patch: RowPattern, what: string): Expectation {
  const allowed = new Set([...Object.keys(patch), 'updated_at', 'resolved_at']);
  return {
    checks: [
      {
        requirement: `${what}: ${table} #${id} has ${describePattern(patch)}`,
        label: 'state',
        run: ({ final }) => {
          const row = (final.tables[table] as readonly { id: number }[]).find(
            (candidate) => candidate.id === id,
          );
          if (!row) return `${table} #${id} no longer exists`;
          const record = Object.fromEntries(Object.entries(row)) as Row;
          return rowMatches(patch, record) ? null : `found ${JSON.stringify(record)}`;
        },
      },
    ],
    allows: [
      {
        table,
        kind: 'updated',
        match: (change) => change.id === id && change.fields.every((field) => allowed.has(field)),
      },
    ],
  };
}

export function rowRemoved(table: TableName, id: number, what: string): Expectation {
  return {
    checks: [
      {
        requirement: `${what}: ${table} #${id} was deleted`,
        label: 'state',
        run: ({ changes }) =>
          changes.some((c) => c.table === table && c.kind === 'removed' && c.id === id)
            ? null
            : `${table} #${id} still exists`,
      },
    ],
    allows: [{ table, kind: 'removed', match: (change) => change.id === id }],
  };
}

export function merge(...expectations: Expectation[]): Expectation {
  return {
    checks: expectations.flatMap((e) => e.checks),
    allows: expectations.flatMap((e) => e.allows),
  };
}

export function completedCheck(): Check {
  return {
    requirement: 'the task was marked complete with status "success"',
    label: 'completion',
    run: ({ final }) => {
      const { completed, status } = final.meta.completion;
      if (!completed) return 'complete_task was never called';
      return status === 'success' ? null : `status was ${JSON.stringify(status)}`;
    },
  };
}

export function noCollateralCheck(allows: readonly Allowance[]): Check {
  return {
    requirement: 'nothing else was added, changed or deleted',
    label: 'collateral',
    run: ({ changes }) => {
      const unexpected = changes.filter(
        (change) =>
          !allows.some((a) => a.table === change.table && a.kind === change.kind && a.match(change)),
      );
      if (unexpected.length === 0) return null;
      const shown = unexpected.slice(0, 8).map(describeChange);
      const more = unexpected.length > shown.length ? ` (and ${unexpected.length - shown.length} more)` : '';
      return `unexpected changes: ${shown.join('; ')}${more}`;
    },
  };
}
