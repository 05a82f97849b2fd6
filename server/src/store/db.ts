import { MIGRATIONS } from './migrations.ts';
import { POSTGRES_MIGRATIONS } from './migrations-postgres.ts';
import { openPostgres, type PostgresOptions } from './postgres.ts';
import type { Sql, Store } from './sql.ts';
import { openSqlite } from './sqlite.ts';

export type { Sql, Store } from './sql.ts';

/** Any key, the same in every process: start-up migrations of several processes take turns on it. */
const MIGRATION_LOCK = 74_117_301;

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the store and brings its schema up to date: PostgreSQL for a `postgres://` URL, else an SQLite file
 * (`':memory:'` gives a private in-memory store for tests).
 */
export async function openStore(location: string, options: PostgresOptions = {}): Promise<Store> {
  const store = isPostgresUrl(location) ? openPostgres(location, options) : openSqlite(location);
  try {
    await migrate(store);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  return store;
}

/** Applies the migrations not yet applied, in order and in one transaction, and records each. */
export async function migrate(sql: Sql): Promise<void> {
  const migrations = sql.dialect === 'postgres' ? POSTGRES_MIGRATIONS : MIGRATIONS;
  await sql.transaction(async (tx) => {
    // Several processes of a team deployment start together: one migrates, the others wait and find it done.
    if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT, applied_at TEXT)',
    );
    const applied = new Set(
      (await tx.all<{ version: number }>('SELECT version FROM schema_migrations')).map((row) => row.version),
    );
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await tx.exec(migration.sql);
      await tx.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
    }
  });
}
