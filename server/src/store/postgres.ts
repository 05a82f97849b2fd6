import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';
import { bindable, type Sql, type SqlParams, type Store, StoreUnavailableError } from './sql.ts';

/** Counts and sums arrive as int8 and numeric, which pg hands over as strings; both fit a JS number here. */
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/** `?` placeholders become `$1, $2, …`; a `?` inside a quoted literal or identifier is left alone. */
export function numberPlaceholders(text: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = null;
      out += char;
    } else if (char === "'" || char === '"') {
      quote = char;
      out += char;
    } else if (char === '?') {
      n += 1;
      out += `$${n}`;
    } else out += char;
  }
  return out;
}

const numbered = new Map<string, string>();
function pgText(text: string): string {
  let out = numbered.get(text);
  if (out === undefined) {
    out = numberPlaceholders(text);
    if (numbered.size < 10_000) numbered.set(text, out);
  }
  return out;
}

/** Errors that say the database went away or never answered, as opposed to a bad statement. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
]);

export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: string }).code;
  if (code && CONNECTION_CODES.has(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(
    error.message,
  );
}

function translate(error: unknown): unknown {
  if (isConnectionError(error)) return new StoreUnavailableError((error as Error).message);
  return error;
}

/** A multi-row INSERT: `INSERT INTO t (a, b) VALUES (?, ?)` with one row of placeholders. */
const SINGLE_ROW_INSERT =
  /^(\s*INSERT\s+INTO\s+[\s\S]+?\bVALUES\s*)(\([\s?,]+\))(\s*(?:ON CONFLICT[\s\S]*)?)$/i;
/** PostgreSQL binds at most 65,535 parameters per statement. */
const MAX_PARAMS = 60_000;

interface Queryable {
  query(text: string, values?: unknown[]): Promise<pg.QueryResult>;
}

class PgSql implements Sql {
  readonly dialect = 'postgres' as const;

  constructor(
    private readonly target: Queryable,
    private readonly scope: AsyncLocalStorage<{ client: pg.PoolClient; live: boolean }>,
    private readonly pool: pg.Pool | null,
  ) {}

  /** The transaction this call runs inside, if any; else the pool (or the transaction this handle is). */
  private client(): Queryable {
    const active = this.scope.getStore();
    return active?.live ? active.client : this.target;
  }

  private async query(text: string, params: SqlParams): Promise<pg.QueryResult> {
    try {
      return await this.client().query(pgText(text), bindable(params));
    } catch (error) {
      throw translate(error);
    }
  }

  async get<T>(text: string, params: SqlParams = []): Promise<T | undefined> {
    return (await this.query(text, params)).rows[0] as T | undefined;
  }

  async all<T>(text: string, params: SqlParams = []): Promise<T[]> {
    return (await this.query(text, params)).rows as T[];
  }

  async run(text: string, params: SqlParams = []): Promise<number> {
    return (await this.query(text, params)).rowCount ?? 0;
  }

  async runMany(text: string, rows: readonly SqlParams[]): Promise<void> {
    if (rows.length === 0) return;
    const insert = SINGLE_ROW_INSERT.exec(text);
    await this.transaction(async (tx) => {
      if (!insert) {
        for (const row of rows) await tx.run(text, row);
        return;
      }
      // One statement per chunk of rows: a round trip per row would cost more than the rows themselves.
      const [, head, tuple, tail] = insert as unknown as [string, string, string, string];
      const width = rows[0]!.length;
      const perChunk = Math.max(1, Math.floor(MAX_PARAMS / Math.max(1, width)));
      for (let start = 0; start < rows.length; start += perChunk) {
        const chunk = rows.slice(start, start + perChunk);
        const values = chunk.map(() => tuple).join(', ');
        await tx.run(`${head}${values}${tail}`, chunk.flat());
      }
    });
  }

  async exec(text: string): Promise<void> {
    try {
      await this.client().query(text);
    } catch (error) {
      throw translate(error);
    }
  }

  async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
    const active = this.scope.getStore();
    if (active?.live) return fn(new PgSql(active.client, this.scope, null));
    if (!this.pool) return fn(this);
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw translate(error);
    }
    // A client checked out of the pool emits the server's going away as an event that nothing else listens to;
    // unheard, it would end the process. The statement in flight fails with it anyway.
    let lost = false;
    const onError = () => {
      lost = true;
    };
    client.on('error', onError);
    const scope = { client, live: true };
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await this.scope.run(scope, () => fn(new PgSql(client, this.scope, null)));
      scope.live = false;
      await client.query('COMMIT');
      return result;
    } catch (error) {
      scope.live = false;
      broken = isConnectionError(error);
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      throw translate(error);
    } finally {
      client.off('error', onError);
      client.release(broken || lost ? true : undefined);
    }
  }
}

class PgStore extends PgSql implements Store {
  constructor(
    private readonly ownPool: pg.Pool,
    readonly location: string,
  ) {
    super(ownPool, new AsyncLocalStorage(), ownPool);
  }

  async close(): Promise<void> {
    await this.ownPool.end();
  }
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres (unparsable URL)';
  }
}

export interface PostgresOptions {
  /** Connections this process may hold. */
  max?: number;
  /** How long to wait for a connection before a statement fails as unavailable. */
  connectionTimeoutMs?: number;
}

/** Opens a pool on a PostgreSQL database; connects lazily, so a database that is down fails per statement. */
export function openPostgres(url: string, options: PostgresOptions = {}): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 20,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: 30_000,
    types,
  });
  // An idle connection that the server drops emits here; unhandled it would end the process. The next
  // statement opens a new connection, or fails as unavailable.
  pool.on('error', () => undefined);
  return new PgStore(pool, redactUrl(url));
}
