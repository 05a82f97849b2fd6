import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openStore, type Store } from '../store/db.ts';
import type { Sql, SqlParams } from '../store/sql.ts';

/** The URL of a database named `name` on the test cluster. */
export function postgresUrl(name: string): string {
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty database of its own on the test cluster; resolves to its URL. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `trellis_test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  return {
    url: postgresUrl(name),
    drop: () =>
      admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

/** A store whose database is dropped when it is closed. */
class DroppedOnClose implements Store {
  readonly dialect;
  readonly location;

  constructor(
    private readonly inner: Store,
    private readonly drop: () => Promise<void>,
  ) {
    this.dialect = inner.dialect;
    this.location = inner.location;
  }

  get<T>(text: string, params?: SqlParams) {
    return this.inner.get<T>(text, params);
  }
  all<T>(text: string, params?: SqlParams) {
    return this.inner.all<T>(text, params);
  }
  run(text: string, params?: SqlParams) {
    return this.inner.run(text, params);
  }
  runMany(text: string, rows: readonly SqlParams[]) {
    return this.inner.runMany(text, rows);
  }
  exec(text: string) {
    return this.inner.exec(text);
  }
  transaction<T>(fn: (tx: Sql) => Promise<T>) {
    return this.inner.transaction(fn);
  }
  async close() {
    await this.inner.close();
    await this.drop();
  }
}

/** A migrated store on a database of its own, dropped when the store is closed. */
export async function openPostgresTestStore(): Promise<Store> {
  const database = await createTestDatabase();
  return new DroppedOnClose(await openStore(database.url), database.drop);
}

/** The two stores every store test runs on: the embedded default and a team server's. */
export const STORE_KINDS: readonly { kind: 'sqlite' | 'postgres'; open: () => Promise<Store> }[] = [
  { kind: 'sqlite', open: () => openStore(':memory:') },
  { kind: 'postgres', open: openPostgresTestStore },
];
