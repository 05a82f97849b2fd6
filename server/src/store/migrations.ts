/**
 * Ordered schema migrations. Append only: a shipped migration never changes, so a data directory from any
 * earlier version upgrades in place. Keep SQL portable where it costs nothing (a later PostgreSQL dialect).
 */
export const MIGRATIONS: { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: 'endpoints',
    sql: `
      CREATE TABLE endpoints (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        base_url TEXT NOT NULL,
        kind TEXT NOT NULL,
        api_key TEXT,
        default_model TEXT,
        default_params TEXT NOT NULL,
        timeouts TEXT NOT NULL,
        source TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
    `,
  },
];
