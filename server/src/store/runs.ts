import type { Evaluation, RunDetail, RunEvent, RunStatus, RunSummary, RunTotals } from '@trellis/shared';
import type { Db } from './db.ts';

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
}

function toDetail(row: RunRow): RunDetail {
  return {
    id: row.id,
    graphVersionId: row.graph_version_id,
    graphName: row.graph_name,
    taskId: row.task_id,
    difficulty: row.difficulty,
    status: row.status as RunStatus,
    createdAt: row.created_at,
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
}

/** The reason a run gives when the server stopped while it was in flight. */
export const INTERRUPTED_BY_SHUTDOWN = 'the server stopped while this run was in flight';

/** Runs and their traces. Events are appended in batched transactions by the EventWriter. */
export class RunRepo {
  private readonly insertEvent;
  private readonly bumpCount;
  private readonly noteModel;
  private readonly setSteps;
  private readonly selectBodies;
  private readonly selectCompactBodies;

  constructor(private readonly db: Db) {
    this.insertEvent = db.prepare(
      'INSERT INTO run_events (run_id, seq, type, at, body) VALUES (?, ?, ?, ?, ?)',
    );
    this.bumpCount = db.prepare('UPDATE runs SET event_count = MAX(event_count, ?) WHERE id = ?');
    // Once per step of every run: prepared once.
    this.setSteps = db.prepare('UPDATE runs SET steps = ? WHERE id = ?');
    this.noteModel = db.prepare(
      `UPDATE runs SET models = json_insert(models, '$[#]', @model)
       WHERE id = @runId AND NOT EXISTS (SELECT 1 FROM json_each(runs.models) WHERE value = @model)`,
    );
    // CAST AS BLOB hands over the stored UTF-8 bytes as a Buffer, where a TEXT column would be decoded into a
    // string (and encoded again to be sent).
    this.selectBodies = db
      .prepare('SELECT CAST(body AS BLOB) FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq')
      .raw();
    this.selectCompactBodies = db
      .prepare(
        `SELECT CAST(CASE WHEN type = 'llm.request' THEN json_set(body, '$.messages', json('[]'), '$.omitted',
                   json_object('messages', json_array_length(body, '$.messages'),
                               'chars', length(json_extract(body, '$.messages'))))
                 ELSE body END AS BLOB)
         FROM run_events WHERE run_id = ? AND seq > ?
           AND NOT (type = 'llm.delta' AND json_extract(body, '$.callId') IN (
             SELECT json_extract(body, '$.callId') FROM run_events WHERE run_id = ? AND type = 'llm.response'))
         ORDER BY seq`,
      )
      .raw();
  }

  create(run: NewRun): RunDetail {
    this.db
      .prepare(
        `INSERT INTO runs (id, graph_version_id, graph_id, graph_name, task_id, difficulty, status, seed, request, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?)`,
      )
      .run(
        run.id,
        run.graphVersionId,
        run.graphId,
        run.graphName,
        run.taskId,
        run.difficulty,
        run.seed,
        JSON.stringify(run.request),
        new Date().toISOString(),
      );
    return this.get(run.id)!;
  }

  get(id: string): RunDetail | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? toDetail(row) : null;
  }

  markStarted(id: string): void {
    this.db
      .prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ?")
      .run(new Date().toISOString(), id);
  }

  markStep(id: string, step: number): void {
    this.setSteps.run(step, id);
  }

  markFinished(
    id: string,
    outcome: { status: RunStatus; evaluation: Evaluation | null; error: string | null; totals: RunTotals },
  ): void {
    this.db
      .prepare(
        `UPDATE runs SET status = ?, finished_at = ?, success = ?, error = ?, totals = ?, evaluation = ?, steps = ?
         WHERE id = ?`,
      )
      .run(
        outcome.status,
        new Date().toISOString(),
        outcome.evaluation ? (outcome.evaluation.success ? 1 : 0) : null,
        outcome.error,
        JSON.stringify(outcome.totals),
        outcome.evaluation ? JSON.stringify(outcome.evaluation) : null,
        outcome.totals.steps,
        id,
      );
  }

  /** Runs left queued or running by a previous process: their traces stay, their status says what happened. */
  markInterrupted(reason = INTERRUPTED_BY_SHUTDOWN): string[] {
    const rows = this.db.prepare("SELECT id FROM runs WHERE status IN ('queued', 'running')").all() as {
      id: string;
    }[];
    const now = new Date().toISOString();
    const mark = this.db.prepare(
      "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ?",
    );
    this.db.transaction(() => {
      for (const row of rows) mark.run(now, reason, row.id);
    })();
    return rows.map((r) => r.id);
  }

  list(query: RunFilter): { runs: RunSummary[]; total: number } {
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
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM runs ${clause}`).get(...args) as { n: number })
      .n;
    const rows = this.db
      .prepare(`SELECT * FROM runs ${clause} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`)
      .all(...args, query.limit, query.offset) as RunRow[];
    return {
      total,
      runs: rows.map((row) => {
        const { evaluation: _evaluation, seed: _seed, ...summary } = toDetail(row);
        return summary;
      }),
    };
  }

  /** Appends events in one transaction, and notes in each run the models its requests named. */
  appendEvents(events: RunEvent[]): void {
    if (events.length === 0) return;
    const last = new Map<string, number>();
    const models = new Set<string>();
    this.db.transaction(() => {
      // One row per statement: measured faster here than multi-row VALUES lists, whose argument arrays cost more
      // than the statements they save.
      for (const event of events) {
        this.insertEvent.run(event.runId, event.seq, event.type, event.at, JSON.stringify(event));
        last.set(event.runId, event.seq);
        if (event.type === 'llm.request' && !models.has(`${event.runId}\n${event.model}`)) {
          models.add(`${event.runId}\n${event.model}`);
          this.noteModel.run({ model: event.model, runId: event.runId });
        }
      }
      for (const [runId, seq] of last) this.bumpCount.run(seq, runId);
    })();
  }

  /** One event, in full. */
  event(runId: string, seq: number): RunEvent | null {
    const row = this.db.prepare('SELECT body FROM run_events WHERE run_id = ? AND seq = ?').get(runId, seq) as
      | { body: string }
      | undefined;
    return row ? (JSON.parse(row.body) as RunEvent) : null;
  }

  /** Events after a sequence number, in order. */
  events(runId: string, after = 0, limit = 1_000_000): RunEvent[] {
    const rows = this.db
      .prepare('SELECT body FROM run_events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?')
      .raw()
      .all(runId, after, limit) as [string][];
    return rows.map((row) => JSON.parse(row[0]) as RunEvent);
  }

  /**
   * The events as the UTF-8 bytes of one JSON array: each row's stored JSON is copied as it is, never parsed,
   * decoded into a string or encoded again (fast path for whole-trace loads). `compact` leaves out the streamed
   * deltas of calls whose full response is recorded (`llm.response` repeats their text) and the messages of
   * requests (prompts grow with the history; the views fetch one when it is opened).
   */
  eventsJsonBytes(runId: string, after = 0, compact = false): Buffer {
    const rows = (
      compact ? this.selectCompactBodies.all(runId, after, runId) : this.selectBodies.all(runId, after)
    ) as [Buffer][];
    const parts: Buffer[] = new Array(rows.length * 2 + 1);
    parts[0] = OPEN_BRACKET;
    for (let i = 0; i < rows.length; i++) {
      parts[2 * i + 1] = rows[i]![0];
      parts[2 * i + 2] = i === rows.length - 1 ? CLOSE_BRACKET : COMMA;
    }
    if (rows.length === 0) parts.push(CLOSE_BRACKET);
    return Buffer.concat(parts);
  }

  /** `eventsJsonBytes` as text. */
  eventsJson(runId: string, after = 0, compact = false): string {
    return this.eventsJsonBytes(runId, after, compact).toString('utf8');
  }
}
