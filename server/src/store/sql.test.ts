import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/postgres.ts';
import { migrate } from './db.ts';
import { numberPlaceholders } from './postgres.ts';
import type { Store } from './sql.ts';

describe.each(STORE_KINDS)('the SQL layer on $kind', ({ open }) => {
  let store: Store;
  beforeEach(async () => {
    store = await open();
    await store.exec('CREATE TABLE notes (id TEXT PRIMARY KEY, n BIGINT NOT NULL, flag INTEGER, body TEXT)');
  });
  afterEach(async () => {
    await store.close();
  });

  it('binds ? placeholders in order and reads rows back with numbers as numbers', async () => {
    await store.run('INSERT INTO notes (id, n, flag, body) VALUES (?, ?, ?, ?)', ['a', 2 ** 40, true, 'x?y']);
    const row = await store.get<{ id: string; n: number; flag: number; body: string }>(
      "SELECT id, n, flag, body FROM notes WHERE id = ? AND body = 'x?y'",
      ['a'],
    );
    expect(row).toEqual({ id: 'a', n: 2 ** 40, flag: 1, body: 'x?y' });
    const count = await store.get<{ c: number }>('SELECT COUNT(*) AS c FROM notes');
    expect(count?.c).toBe(1);
    expect(await store.get('SELECT * FROM notes WHERE id = ?', ['missing'])).toBeUndefined();
  });

  it('says how many rows a statement changed', async () => {
    await store.runMany('INSERT INTO notes (id, n) VALUES (?, ?)', [
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    expect(await store.run('UPDATE notes SET n = n + 1 WHERE n >= ?', [2])).toBe(2);
    expect(await store.run('DELETE FROM notes WHERE id = ?', ['zzz'])).toBe(0);
  });

  it('inserts many rows in batches that keep every row', async () => {
    const rows = Array.from({ length: 25_000 }, (_, i) => [`id${i}`, i, null, `body ${i}`]);
    await store.runMany('INSERT INTO notes (id, n, flag, body) VALUES (?, ?, ?, ?)', rows);
    const sum = await store.get<{ c: number; s: number }>('SELECT COUNT(*) AS c, SUM(n) AS s FROM notes');
    expect(sum).toEqual({ c: 25_000, s: (24_999 * 25_000) / 2 });
  });

  it('commits a transaction as a whole, and rolls all of it back when it throws', async () => {
    await store.transaction(async (tx) => {
      await tx.run('INSERT INTO notes (id, n) VALUES (?, ?)', ['kept', 1]);
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.run('INSERT INTO notes (id, n) VALUES (?, ?)', ['lost', 1]);
        // Through the store's own handle, as a repository called inside the transaction would.
        await store.run('INSERT INTO notes (id, n) VALUES (?, ?)', ['lost too', 1]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    const ids = (await store.all<{ id: string }>('SELECT id FROM notes ORDER BY id')).map((row) => row.id);
    expect(ids).toEqual(['kept']);
  });

  it('keeps statements from outside a transaction out of it', async () => {
    let insideDone!: () => void;
    const inside = new Promise<void>((resolve) => {
      insideDone = resolve;
    });
    const transaction = store.transaction(async (tx) => {
      await tx.run('INSERT INTO notes (id, n) VALUES (?, ?)', ['in', 1]);
      await inside;
      throw new Error('roll back');
    });
    // Started while the transaction is open: it must not be rolled back with it.
    const outside = store.run('INSERT INTO notes (id, n) VALUES (?, ?)', ['out', 2]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    insideDone();
    await expect(transaction).rejects.toThrow('roll back');
    await outside;
    const ids = (await store.all<{ id: string }>('SELECT id FROM notes ORDER BY id')).map((row) => row.id);
    expect(ids).toEqual(['out']);
  });

  it('migrates once: running the migrations again changes nothing', async () => {
    const before = await store.all<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(before.length).toBeGreaterThan(0);
    await migrate(store);
    await migrate(store);
    const after = await store.all<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(after).toEqual(before);
  });
});

describe('placeholders for PostgreSQL', () => {
  it('numbers each ? outside quotes', () => {
    expect(numberPlaceholders('SELECT ? , \'?\', "a?" FROM t WHERE x = ? AND y = ?')).toBe(
      'SELECT $1 , \'?\', "a?" FROM t WHERE x = $2 AND y = $3',
    );
  });
});
