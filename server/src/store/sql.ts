import { DomainError } from '../domain-errors.ts';

/** A value a statement can bind. Booleans are stored as 1 and 0 on both databases. */
export type SqlValue = string | number | bigint | boolean | null | Buffer;
export type SqlParams = readonly SqlValue[];

export type Dialect = 'sqlite' | 'postgres';

/**
 * The one way repositories reach a database: SQLite (embedded, the default) or PostgreSQL (a team server).
 * Statements use `?` placeholders and SQL both databases read; where the dialects part (JSON functions,
 * `GREATEST` against `MAX`), a repository asks `dialect`.
 */
export interface Sql {
  readonly dialect: Dialect;
  /** The first row, or undefined when there is none. */
  get<T>(text: string, params?: SqlParams): Promise<T | undefined>;
  all<T>(text: string, params?: SqlParams): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(text: string, params?: SqlParams): Promise<number>;
  /** One statement once per parameter list, in one transaction (batched where the database allows it). */
  runMany(text: string, rows: readonly SqlParams[]): Promise<void>;
  /** Statements without parameters, such as a migration's DDL. */
  exec(text: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: everything it does through `tx` commits together or not at all. Called on a
   * transaction's `tx`, it joins that transaction.
   */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** An open database: the statements, and what owns its connections. */
export interface Store extends Sql {
  /** Where the data lives, for logs: a file path or a URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

/** The database could not be reached or stopped answering; the request may succeed once it is back. */
export class StoreUnavailableError extends DomainError {
  constructor(cause: string) {
    super('unavailable', 'store_unavailable', `the database is unavailable: ${cause}`);
  }
}

/** Booleans become 1 and 0 so both databases store flags the same way. */
export function bindable(params: SqlParams): SqlValue[] {
  return params.map((value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value));
}
