import { TABLE_NAMES, type TableName, type WorldState } from '../state.ts';

export type Row = Record<string, unknown> & { id: number };
export type ChangeKind = 'added' | 'removed' | 'updated';

/** One row that differs between two states; `fields` lists what changed on an update. */
export interface Change {
  table: TableName;
  kind: ChangeKind;
  id: number;
  before: Row | null;
  after: Row | null;
  fields: string[];
}

export function rowsOf(state: WorldState, table: TableName): Row[] {
  const rows: readonly object[] = state.tables[table];
  return rows.map((row) => Object.fromEntries(Object.entries(row)) as Row);
}

const IGNORED_FIELDS = new Set(['updated_at']);

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every row added, removed or changed from `initial` to `final`. Sessions and the clock are not data and are skipped. */
export function diffStates(initial: WorldState, final: WorldState): Change[] {
  const changes: Change[] = [];
  for (const table of TABLE_NAMES) {
    const before = new Map(rowsOf(initial, table).map((row) => [row.id, row]));
    const after = new Map(rowsOf(final, table).map((row) => [row.id, row]));
    for (const [id, row] of before) {
      const next = after.get(id);
      if (!next) {
        changes.push({ table, kind: 'removed', id, before: row, after: null, fields: [] });
        continue;
      }
      const keys = new Set([...Object.keys(row), ...Object.keys(next)]);
      const fields = [...keys].filter((key) => !same(row[key], next[key]));
      // A write that changed nothing but the timestamp changed nothing a person would notice.
      if (fields.some((field) => !IGNORED_FIELDS.has(field)))
        changes.push({ table, kind: 'updated', id, before: row, after: next, fields });
    }
    for (const [id, row] of after) {
      if (!before.has(id)) changes.push({ table, kind: 'added', id, before: null, after: row, fields: [] });
    }
  }
  return changes;
}

export function describeChange(change: Change): string {
  if (change.kind === 'updated') {
    const fields = change.fields.map(
      (field) =>
        `${field}: ${JSON.stringify(change.before?.[field])} -> ${JSON.stringify(change.after?.[field])}`,
    );
    return `${change.table} #${change.id} updated (${fields.join(', ')})`;
  }
  return `${change.table} #${change.id} ${change.kind}: ${JSON.stringify(change.after ?? change.before)}`;
}
