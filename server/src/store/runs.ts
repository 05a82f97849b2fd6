import type {
  EnvironmentChoice,
  Evaluation,
  RunDetail,
  RunEvent,
  RunStatus,
  RunSummary,
  RunTotals,
} from '@trellis/shared';
import { EVENTS_CHANNEL, RUNS_CHANNEL } from './channels.ts';
import type { Sql } from './sql.ts';
import { authorFrom, authorNameColumn } from './users.ts';

const OPEN_BRACKET = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE_BRACKET = Buffer.from(']');

interface RunRow {
  id: string;
  graph_version_id: string;
  graph_id: string;
  graph_name: string;
  task_id: string;
  difficulty: number | null;
  status: string;
  seed: number;
  request: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  steps: number;
  success: number | null;
  error: string | null;
  totals: string | null;
  evaluation: string | null;
  event_count: number;
  models: string;
  author: string | null;
  author_name: string | null;
}

/** A run's columns and its author's name. */
const RUN_COLUMNS = `runs.*, ${authorNameColumn('runs')}`;

function toDetail(row: RunRow): RunDetail {
  return {
    id: row.id,
    graphVersionId: row.graph_version_id,
    graphName: row.graph_name,
    taskId: row.task_id,
    difficulty: row.difficulty,
    status: row.status as RunStatus,
    createdAt: row.created_at,
    author: authorFrom(row),
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    steps: row.steps,
    success: row.success === null ? null : row.success === 1,
    error: row.error,
    eventCount: row.event_count,
    totals: row.totals ? (JSON.parse(row.totals) as RunTotals) : null,
    evaluation: row.evaluation ? (JSON.parse(row.evaluation) as Evaluation) : null,
    seed: row.seed,
    models: JSON.parse(row.models) as string[],
  };
}

export interface RunFilter {
  graph?: string | undefined;
  graphVersionId?: string | undefined;
  task?: string | undefined;
  status?: RunStatus | undefined;
  difficulty?: number | undefined;
  limit: number;
  offset: number;
}

export interface NewRun {
  id: string;
  graphVersionId: string;
  graphId: string;
  graphName: string;
  taskId: string;
  difficulty: number | null;
  seed: number;
  request: unknown;
  /** The user who started it (or the experiment, search, rescue… it belongs to); null or absent: no account. */
  author?: string | null;
}

/** A fork as the store can describe it: its parent, the step it forks at, the reply it edits, where it acts. */
export interface ForkRecipe {
  parentRunId: string;
  step: number;
  /** The agent's reply at the fork step instead of a model call; null when the step runs live. */
  reply: string | null;
  environment: EnvironmentChoice;
}

/** What a worker needs to run a queued run from its record alone. */
export interface ClaimedRun {
  graphVersionId: string;
  taskId: string;
  difficulty: number | null;
  seed: number;
  /** Somebody asked to cancel it before the worker took it. */
  cancelRequested: boolean;
  /** A fork's recipe, from which the worker rebuilds its prefix, edited reply and environment. */
  fork: ForkRecipe | null;
  request: {
    taskId: string;
    endpointId: string | undefined;
    model: string | undefined;
    overrides: Record<string, { endpointId?: string | undefined; model?: string | undefined }>;
    seed: number;
  };
}

/** The reason a run gives when the server stopped while it was in flight. */
export const INTERRUPTED_BY_SHUTDOWN = 'the server stopped while this run was in flight';

const INSERT_EVENT = 'INSERT INTO run_events (run_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)';

/** Per dialect: the statements whose SQL the two databases spell differently. */
const DIALECT = {
  sqlite: {
    bumpCount: 'UPDATE runs SET event_count = MAX(event_count, ?) WHERE id = ?',
    noteModel: `UPDATE runs SET models = json_insert(models, '$[#]', ?)
       WHERE id = ? AND NOT EXISTS (SELECT 1 FROM json_each(runs.models) WHERE value = ?)`,
    // CAST AS BLOB hands over the stored UTF-8 bytes as a Buffer, where a TEXT column would be decoded into a
    // string (and encoded again to be sent).
    bodies: 'SELECT CAST(body AS BLOB) AS body FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq',
    compactBodies: `SELECT CAST(CASE WHEN type = 'llm.request' THEN json_set(body, '$.messages', json('[]'), '$.omitted',
                   json_object('messages', json_array_length(body, '$.messages'),
                               'chars', length(json_extract(body, '$.messages'))))
                 ELSE body END AS BLOB) AS body
         FROM run_events WHERE run_id = ? AND seq > ?
           AND NOT (type = 'llm.delta' AND json_extract(body, '$.callId') IN (
             SELECT json_extract(body, '$.callId') FROM run_events WHERE run_id = ? AND type = 'llm.response'))
         ORDER BY seq`,
  },
  postgres: {
    bumpCount: 'UPDATE runs SET event_count = GREATEST(event_count, ?) WHERE id = ?',
    noteModel: `UPDATE runs SET models = (models::jsonb || jsonb_build_array(CAST(? AS TEXT)))::text
       WHERE id = ? AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(runs.models::jsonb) AS m(value)
                                    WHERE m.value = ?)`,
    // TEXT arrives as a string here whatever the query says; the rows become Buffers in eventsJsonBytes.
    bodies: 'SELECT body FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq',
    // `chars` reads the messages through json, not jsonb: json keeps the stored text as it is, so the count is
    // the one SQLite gives (jsonb would print it again, with spaces).
    compactBodies: `SELECT CASE WHEN type = 'llm.request' THEN
                   (body::jsonb || jsonb_build_object('messages', '[]'::jsonb, 'omitted',
                      jsonb_build_object('messages', jsonb_array_length(body::jsonb -> 'messages'),
                                         'chars', length((body::json -> 'messages')::text))))::text
                 ELSE body END AS body
         FROM run_events WHERE run_id = ? AND seq > ?
           AND NOT (type = 'llm.delta' AND body::jsonb ->> 'callId' IN (
             SELECT body::jsonb ->> 'callId' FROM run_events WHERE run_id = ? AND type = 'llm.response'))
         ORDER BY seq`,
  },
} as const;

/** Runs and their traces. Events are appended in batched transactions by the EventWriter. */
export class RunRepo {
  private readonly statements;

  constructor(private readonly sql: Sql) {
    this.statements = DIALECT[sql.dialect];
  }

  async create(run: NewRun): Promise<RunDetail> {
    await this.sql.run(
      `INSERT INTO runs (id, graph_version_id, graph_id, graph_name, task_id, difficulty, status, seed, request, created_at, author)
       VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      [
        run.id,
        run.graphVersionId,
        run.graphId,
        run.graphName,
        run.taskId,
        run.difficulty,
        run.seed,
        JSON.stringify(run.request),
        new Date().toISOString(),
        run.author ?? null,
      ],
    );
    return (await this.get(run.id))!;
  }

  async get(id: string): Promise<RunDetail | null> {
    const row = await this.sql.get<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE id = ?`, [id]);
    return row ? toDetail(row) : null;
  }

  /** The run is executing, in the process `processId` when a team deployment names its processes. */
  async markStarted(id: string, processId: string | null = null): Promise<void> {
    await this.sql.run(
      "UPDATE runs SET status = 'running', started_at = ?, worker_id = COALESCE(?, worker_id) WHERE id = ?",
      [new Date().toISOString(), processId, id],
    );
  }

  /**
   * Takes a queued run for the worker `workerId`: at most one worker ever gets it (the update is conditional on
   * nobody having it). Null when it was taken, has ended, or does not exist.
   */
  async claim(id: string, workerId: string): Promise<ClaimedRun | null> {
    const taken = await this.sql.run(
      "UPDATE runs SET worker_id = ? WHERE id = ? AND status = 'queued' AND worker_id IS NULL",
      [workerId, id],
    );
    if (taken === 0) return null;
    const row = await this.sql.get<RunRow & { cancel_requested: number }>('SELECT * FROM runs WHERE id = ?', [
      id,
    ]);
    if (!row) return null;
    const request = JSON.parse(row.request) as Partial<ClaimedRun['request']> & { fork?: ForkRecipe };
    return {
      graphVersionId: row.graph_version_id,
      taskId: row.task_id,
      difficulty: row.difficulty,
      seed: row.seed,
      cancelRequested: row.cancel_requested === 1,
      fork: request.fork ?? null,
      request: {
        taskId: request.taskId ?? row.task_id,
        endpointId: request.endpointId ?? undefined,
        model: request.model ?? undefined,
        overrides: request.overrides ?? {},
        seed: row.seed,
      },
    };
  }

  /** Runs the worker `workerId` holds that somebody asked to cancel. */
  async cancelRequested(workerId: string): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM runs WHERE worker_id = ? AND cancel_requested = 1 AND status IN ('queued', 'running')",
      [workerId],
    );
    return rows.map((row) => row.id);
  }

  async markStep(id: string, step: number): Promise<void> {
    await this.sql.run('UPDATE runs SET steps = ? WHERE id = ?', [step, id]);
  }

  async markFinished(
    id: string,
    outcome: { status: RunStatus; evaluation: Evaluation | null; error: string | null; totals: RunTotals },
  ): Promise<void> {
    const write = (sql: Sql) =>
      sql.run(
        // A run ends once: whoever ended it first (its process, or a sweeper that found its worker gone) wins.
        `UPDATE runs SET status = ?, finished_at = ?, success = ?, error = ?, totals = ?, evaluation = ?, steps = ?
       WHERE id = ? AND status IN ('queued', 'running')`,
        [
          outcome.status,
          new Date().toISOString(),
          outcome.evaluation ? (outcome.evaluation.success ? 1 : 0) : null,
          outcome.error,
          JSON.stringify(outcome.totals),
          outcome.evaluation ? JSON.stringify(outcome.evaluation) : null,
          outcome.totals.steps,
          id,
        ],
      );
    if (this.sql.dialect !== 'postgres') {
      await write(this.sql);
      return;
    }
    await this.sql.transaction(async (tx) => {
      await write(tx);
      await tx.get('SELECT pg_notify(?, ?)', [RUNS_CHANNEL, `${id}:${outcome.status}`]);
    });
  }

  /**
   * Runs left queued or running: their traces stay, their status says what happened. With `runIds`, only those
   * (the runs one process had in flight as it stopped); without, every run in flight (a previous process's, found
   * at start-up).
   */
  async markInterrupted(reason = INTERRUPTED_BY_SHUTDOWN, runIds?: readonly string[]): Promise<string[]> {
    const inFlight = await this.sql.all<{ id: string }>(
      "SELECT id FROM runs WHERE status IN ('queued', 'running')",
    );
    const only = runIds ? new Set(runIds) : null;
    const rows = only ? inFlight.filter((row) => only.has(row.id)) : inFlight;
    const now = new Date().toISOString();
    await this.sql.runMany(
      "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ?",
      rows.map((row) => [now, reason, row.id]),
    );
    return rows.map((r) => r.id);
  }

  async list(query: RunFilter): Promise<{ runs: RunSummary[]; total: number }> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (query.graph) {
      where.push('(graph_id = ? OR graph_name = ?)');
      args.push(query.graph, query.graph);
    }
    if (query.graphVersionId) {
      where.push('graph_version_id = ?');
      args.push(query.graphVersionId);
    }
    if (query.task) {
      where.push('task_id = ?');
      args.push(query.task);
    }
    if (query.status) {
      where.push('status = ?');
      args.push(query.status);
    }
    if (query.difficulty !== undefined) {
      where.push('difficulty = ?');
      args.push(query.difficulty);
    }
    const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const total = (await this.sql.get<{ n: number }>(`SELECT COUNT(*) AS n FROM runs ${clause}`, args))!.n;
    const rows = await this.sql.all<RunRow>(
      `SELECT ${RUN_COLUMNS} FROM runs ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`,
      [...args, query.limit, query.offset],
    );
    return {
      total,
      runs: rows.map((row) => {
        const { evaluation: _evaluation, seed: _seed, ...summary } = toDetail(row);
        return summary;
      }),
    };
  }

  /** Appends events in one transaction, and notes in each run the models its requests named. */
  async appendEvents(events: RunEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows: (string | number)[][] = new Array(events.length);
    const last = new Map<string, number>();
    const models = new Map<string, { runId: string; model: string }>();
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      rows[i] = [event.runId, event.seq, event.type, event.at, JSON.stringify(event)];
      last.set(event.runId, event.seq);
      if (event.type === 'llm.request') {
        const key = `${event.runId}\n${event.model}`;
        if (!models.has(key)) models.set(key, { runId: event.runId, model: event.model });
      }
    }
    const { bumpCount, noteModel } = this.statements;
    await this.sql.transaction(async (tx) => {
      // SQLite runs one prepared statement per row: measured faster there than multi-row VALUES lists, whose
      // argument arrays cost more than the statements they save. PostgreSQL gets multi-row statements, where a
      // round trip per row would cost more than the rows.
      await tx.runMany(INSERT_EVENT, rows);
      // In the order first requested: a run's models list in that order.
      for (const { runId, model } of models.values()) await tx.run(noteModel, [model, runId, model]);
      for (const [runId, seq] of last) await tx.run(bumpCount, [seq, runId]);
      if (tx.dialect === 'postgres') {
        for (const [runId, seq] of last)
          await tx.get('SELECT pg_notify(?, ?)', [EVENTS_CHANNEL, `${runId}:${seq}`]);
      }
    });
  }

  /** One event, in full. */
  async event(runId: string, seq: number): Promise<RunEvent | null> {
    const row = await this.sql.get<{ body: string }>(
      'SELECT body FROM run_events WHERE run_id = ? AND seq = ?',
      [runId, seq],
    );
    return row ? (JSON.parse(row.body) as RunEvent) : null;
  }

  /** Events after a sequence number, in order. */
  async events(runId: string, after = 0, limit = 1_000_000): Promise<RunEvent[]> {
    const rows = await this.sql.all<{ body: string }>(
      'SELECT body FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      [runId, after, limit],
    );
    return rows.map((row) => JSON.parse(row.body) as RunEvent);
  }

  /**
   * The events as the UTF-8 bytes of one JSON array: on SQLite each row's stored JSON is copied as it is, never
   * parsed, decoded into a string or encoded again (fast path for whole-trace loads). `compact` leaves out the
   * streamed deltas of calls whose full response is recorded (`llm.response` repeats their text) and the
   * messages of requests (prompts grow with the history; the views fetch one when it is opened).
   */
  async eventsJsonBytes(runId: string, after = 0, compact = false): Promise<Buffer> {
    const rows = await (compact
      ? this.sql.all<{ body: Buffer | string }>(this.statements.compactBodies, [runId, after, runId])
      : this.sql.all<{ body: Buffer | string }>(this.statements.bodies, [runId, after]));
    const parts: Buffer[] = new Array(rows.length * 2 + 1);
    parts[0] = OPEN_BRACKET;
    for (let i = 0; i < rows.length; i++) {
      const body = rows[i]!.body;
      parts[2 * i + 1] = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
      parts[2 * i + 2] = i === rows.length - 1 ? CLOSE_BRACKET : COMMA;
    }
    if (rows.length === 0) parts.push(CLOSE_BRACKET);
    return Buffer.concat(parts);
  }

  /** `eventsJsonBytes` as text. */
  async eventsJson(runId: string, after = 0, compact = false): Promise<string> {
    return (await this.eventsJsonBytes(runId, after, compact)).toString('utf8');
  }
}
