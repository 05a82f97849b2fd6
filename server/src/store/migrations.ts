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
  {
    version: 2,
    name: 'graphs, runs and traces',
    sql: `
      CREATE TABLE graphs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        head_version_id TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE graph_versions (
        id TEXT PRIMARY KEY,
        graph_id TEXT NOT NULL REFERENCES graphs(id),
        parent_id TEXT,
        name TEXT NOT NULL,
        message TEXT NOT NULL,
        schema_version INTEGER NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX graph_versions_by_graph ON graph_versions(graph_id, created_at);
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        graph_version_id TEXT NOT NULL REFERENCES graph_versions(id),
        graph_id TEXT NOT NULL,
        graph_name TEXT NOT NULL,
        task_id TEXT NOT NULL,
        difficulty INTEGER,
        status TEXT NOT NULL,
        seed INTEGER NOT NULL,
        request TEXT NOT NULL,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        steps INTEGER NOT NULL DEFAULT 0,
        success INTEGER,
        error TEXT,
        totals TEXT,
        evaluation TEXT,
        event_count INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX runs_by_created ON runs(created_at DESC);
      CREATE INDEX runs_by_graph ON runs(graph_id, created_at DESC);
      CREATE INDEX runs_by_task ON runs(task_id, created_at DESC);
      CREATE TABLE run_events (
        run_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        at REAL NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'run lineage and rescues',
    sql: `
      CREATE TABLE run_lineage (
        run_id TEXT PRIMARY KEY REFERENCES runs(id),
        parent_run_id TEXT NOT NULL REFERENCES runs(id),
        fork_step INTEGER NOT NULL,
        edit TEXT NOT NULL,
        findings TEXT NOT NULL DEFAULT '[]',
        rescue_id TEXT,
        created_at TEXT NOT NULL
      );
      CREATE INDEX run_lineage_by_parent ON run_lineage(parent_run_id);
      CREATE TABLE rescues (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        change TEXT NOT NULL,
        from_mode TEXT NOT NULL,
        concurrency INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX rescues_by_created ON rescues(created_at DESC);
      CREATE TABLE rescue_pairs (
        rescue_id TEXT NOT NULL REFERENCES rescues(id),
        position INTEGER NOT NULL,
        source_run_id TEXT NOT NULL REFERENCES runs(id),
        task_id TEXT NOT NULL,
        fork_step INTEGER,
        fork_run_id TEXT,
        status TEXT NOT NULL,
        run_status TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (rescue_id, position)
      );
    `,
  },
  {
    version: 4,
    name: 'the models each run called',
    sql: `
      ALTER TABLE runs ADD COLUMN models TEXT NOT NULL DEFAULT '[]';
      UPDATE runs SET models = (
        SELECT json_group_array(model) FROM (
          SELECT json_extract(body, '$.model') AS model, MIN(seq) AS first
          FROM run_events WHERE run_id = runs.id AND type = 'llm.request'
          GROUP BY model ORDER BY first
        )
      );
    `,
  },
  {
    version: 5,
    name: 'experiments',
    sql: `
      CREATE TABLE experiments (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        stop_reason TEXT,
        plan TEXT NOT NULL,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX experiments_by_created ON experiments(created_at DESC);
      CREATE TABLE experiment_items (
        experiment_id TEXT NOT NULL REFERENCES experiments(id),
        position INTEGER NOT NULL,
        arm INTEGER NOT NULL,
        task_id TEXT NOT NULL,
        scenario TEXT NOT NULL,
        difficulty INTEGER,
        repetition INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL,
        run_id TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        previous_run_ids TEXT NOT NULL DEFAULT '[]',
        error TEXT,
        PRIMARY KEY (experiment_id, position)
      );
      CREATE INDEX experiment_items_by_run ON experiment_items(run_id);
      CREATE TABLE experiment_server_samples (
        experiment_id TEXT NOT NULL REFERENCES experiments(id),
        at REAL NOT NULL,
        endpoint_id TEXT NOT NULL,
        source TEXT,
        requests_running REAL,
        requests_waiting REAL,
        kv_cache_usage REAL,
        prefix_cache_hit_rate REAL
      );
      CREATE INDEX experiment_server_samples_by_time ON experiment_server_samples(experiment_id, at);
    `,
  },
  {
    version: 6,
    name: 'allocation searches',
    sql: `
      CREATE TABLE searches (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        stop_reason TEXT,
        method TEXT NOT NULL,
        graph_version_id TEXT NOT NULL,
        request TEXT NOT NULL,
        lessons TEXT NOT NULL DEFAULT '[]',
        confirmation_experiment_id TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX searches_by_created ON searches(created_at DESC);
      CREATE TABLE search_trials (
        search_id TEXT NOT NULL REFERENCES searches(id),
        idx INTEGER NOT NULL,
        round INTEGER NOT NULL,
        allocation TEXT NOT NULL,
        key TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        rationale TEXT,
        experiment_id TEXT,
        graph_version_id TEXT,
        reused_from INTEGER,
        declared_cost REAL,
        score TEXT,
        compute REAL,
        tokens REAL,
        PRIMARY KEY (search_id, idx)
      );
      CREATE INDEX search_trials_by_key ON search_trials(key);
    `,
  },
  {
    version: 7,
    name: 'scaffold optimisations',
    sql: `
      CREATE TABLE optimisations (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        stop_reason TEXT,
        graph_version_id TEXT NOT NULL,
        request TEXT NOT NULL,
        confirmation_experiment_id TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT
      );
      CREATE INDEX optimisations_by_created ON optimisations(created_at DESC);
      CREATE TABLE optimisation_candidates (
        optimisation_id TEXT NOT NULL REFERENCES optimisations(id),
        idx INTEGER NOT NULL,
        round INTEGER NOT NULL,
        parent_version_id TEXT,
        version_id TEXT,
        label TEXT NOT NULL,
        analysis TEXT NOT NULL,
        edit TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        repairs INTEGER NOT NULL DEFAULT 0,
        problems TEXT NOT NULL DEFAULT '[]',
        dry_run_id TEXT,
        experiment_id TEXT,
        score TEXT,
        cost REAL,
        reward REAL,
        state TEXT NOT NULL,
        proposal TEXT,
        attempts TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        PRIMARY KEY (optimisation_id, idx)
      );
    `,
  },
  {
    version: 8,
    name: 'run workers',
    sql: `
      ALTER TABLE runs ADD COLUMN worker_id TEXT;
      ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
      CREATE TABLE workers (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        concurrency INTEGER NOT NULL,
        queue_worker_ids TEXT NOT NULL DEFAULT '[]',
        started_at TEXT NOT NULL,
        heartbeat_at REAL NOT NULL,
        stopped_at TEXT,
        stop_reason TEXT
      );
      CREATE TABLE endpoint_slots (
        endpoint_id TEXT NOT NULL,
        slot INTEGER NOT NULL,
        holder TEXT,
        expires_at REAL,
        PRIMARY KEY (endpoint_id, slot)
      );
    `,
  },
  {
    version: 9,
    name: 'accounts and authors',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE user_sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      );
      CREATE INDEX user_sessions_by_user ON user_sessions(user_id);
      CREATE TABLE api_tokens (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users(id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        expires_at TEXT,
        revoked_at TEXT
      );
      CREATE INDEX api_tokens_by_user ON api_tokens(user_id, created_at);
      ALTER TABLE graph_versions ADD COLUMN author TEXT REFERENCES users(id);
      ALTER TABLE runs ADD COLUMN author TEXT REFERENCES users(id);
      ALTER TABLE rescues ADD COLUMN author TEXT REFERENCES users(id);
      ALTER TABLE experiments ADD COLUMN author TEXT REFERENCES users(id);
      ALTER TABLE searches ADD COLUMN author TEXT REFERENCES users(id);
      ALTER TABLE optimisations ADD COLUMN author TEXT REFERENCES users(id);
    `,
  },
];
