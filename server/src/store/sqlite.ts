import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { bindable, type Sql, type SqlParams, type Store } from './sql.ts';

/**
 * Holds other callers back while a transaction is open. better-sqlite3 has one connection and answers at once,
 * so an `await` inside a transaction would otherwise let an unrelated statement land in it.
 */
class Gate {
  open: Promise<void> | null = null;
  /**
   * The transaction whose callback is running, seen from every await inside it: a repository called there
   * through its usual handle joins the transaction instead of waiting for it to end (which would never come).
   */
  readonly scope = new AsyncLocalStorage<{ live: boolean }>();

  inside(): boolean {
    return this.scope.getStore()?.live === true;
  }
}

class SqliteSql implements Sql {
  readonly dialect = 'sqlite' as const;

  constructor(
    protected readonly db: Database.Database,
    private readonly statements: Map<string, Database.Statement>,
    private readonly gate: Gate,
    /** This handle belongs to the open transaction: it never waits for itself. */
    private readonly inTransaction: boolean,
  ) {}

  private statement(text: string): Database.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /**
   * Runs `op` once no transaction of another caller is open. The check and the statement happen in one
   * synchronous stretch, so nothing can begin a transaction between them.
   */
  private async when<T>(op: () => T): Promise<T> {
    while (!this.inTransaction && this.gate.open && !this.gate.inside()) await this.gate.open;
    return op();
  }

  get<T>(text: string, params: SqlParams = []): Promise<T | undefined> {
    return this.when(() => this.statement(text).get(...bindable(params)) as T | undefined);
  }

  all<T>(text: string, params: SqlParams = []): Promise<T[]> {
    return this.when(() => this.statement(text).all(...bindable(params)) as T[]);
  }

  run(text: string, params: SqlParams = []): Promise<number> {
    return this.when(() => this.statement(text).run(...bindable(params)).changes);
  }

  async runMany(text: string, rows: readonly SqlParams[]): Promise<void> {
    if (rows.length === 0) return;
    await this.when(() => {
      const statement = this.statement(text);
      const insertAll = () => {
        for (const row of rows) statement.run(...bindable(row));
      };
      // Inside an open transaction the rows join it; otherwise they get one of their own.
      if (this.db.inTransaction) insertAll();
      else this.db.transaction(insertAll)();
    });
  }

  exec(text: string): Promise<void> {
    return this.when(() => {
      this.db.exec(text);
    });
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    if (this.inTransaction || this.gate.inside()) return fn(this);
    while (this.gate.open) await this.gate.open;
    let release!: () => void;
    this.gate.open = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      this.db.exec('BEGIN IMMEDIATE');
      // Work the callback leaves running after it returns must not count as inside the transaction.
      const scope = { live: true };
      try {
        const tx = new SqliteSql(this.db, this.statements, this.gate, true);
        const result = await this.gate.scope.run(scope, () => fn(tx));
        scope.live = false;
        this.db.exec('COMMIT');
        return result;
      } catch (error) {
        scope.live = false;
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      this.gate.open = null;
      release();
    }
  }
}

class SqliteStore extends SqliteSql implements Store {
  constructor(
    db: Database.Database,
    readonly location: string,
  ) {
    super(db, new Map(), new Gate(), false);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}

/** Opens (or creates) an SQLite store. `':memory:'` gives a private in-memory store for tests. */
export function openSqlite(file: string): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 4000');
  return new SqliteStore(db, file);
}
