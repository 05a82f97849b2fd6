import type {
  RescuePair,
  RescuePairStatus,
  RescueProgress,
  RescueSummary,
  RunChange,
  RunStatus,
} from '@trellis/shared';
import type { Db } from './db.ts';

interface RescueRow {
  id: string;
  name: string;
  status: string;
  change: string;
  from_mode: string;
  concurrency: number;
  created_at: string;
  finished_at: string | null;
  total: number;
  rescued: number;
  still_failing: number;
}

interface PairRow {
  position: number;
  source_run_id: string;
  task_id: string;
  fork_step: number | null;
  fork_run_id: string | null;
  status: string;
  run_status: string | null;
  error: string | null;
  attempts: number;
}

/** A pair as the store keeps it: its place in the rescue is its key. */
export type StoredPair = RescuePair & { position: number };

const SUMMARY = `SELECT r.*,
    (SELECT COUNT(*) FROM rescue_pairs p WHERE p.rescue_id = r.id) AS total,
    (SELECT COUNT(*) FROM rescue_pairs p WHERE p.rescue_id = r.id AND p.status = 'rescued') AS rescued,
    (SELECT COUNT(*) FROM rescue_pairs p WHERE p.rescue_id = r.id AND p.status IN ('failing', 'error'))
      AS still_failing
  FROM rescues r`;

function summaryOf(row: RescueRow): RescueSummary {
  return {
    id: row.id,
    name: row.name,
    status: row.status as RescueProgress['status'],
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    change: JSON.parse(row.change) as RunChange,
    from: row.from_mode as RescueSummary['from'],
    concurrency: row.concurrency,
    total: row.total,
    rescued: row.rescued,
    stillFailing: row.still_failing,
  };
}

function pairOf(row: PairRow): StoredPair {
  return {
    position: row.position,
    sourceRunId: row.source_run_id,
    taskId: row.task_id,
    forkStep: row.fork_step,
    forkRunId: row.fork_run_id,
    status: row.status as RescuePairStatus,
    runStatus: row.run_status as RunStatus | null,
    error: row.error,
    attempts: row.attempts,
  };
}

/** Rescues and their pairs (a failed run and the run that tried to rescue it). */
export class RescueRepo {
  constructor(private readonly db: Db) {}

  create(rescue: {
    id: string;
    name: string;
    change: RunChange;
    from: RescueSummary['from'];
    concurrency: number;
    pairs: { sourceRunId: string; taskId: string; forkStep: number }[];
  }): void {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO rescues (id, name, status, change, from_mode, concurrency, created_at)
           VALUES (?, ?, 'running', ?, ?, ?, ?)`,
        )
        .run(
          rescue.id,
          rescue.name,
          JSON.stringify(rescue.change),
          rescue.from,
          rescue.concurrency,
          new Date().toISOString(),
        );
      const insert = this.db.prepare(
        `INSERT INTO rescue_pairs (rescue_id, position, source_run_id, task_id, fork_step, status)
         VALUES (?, ?, ?, ?, ?, 'pending')`,
      );
      for (const [position, pair] of rescue.pairs.entries()) {
        insert.run(rescue.id, position, pair.sourceRunId, pair.taskId, pair.forkStep);
      }
    })();
  }

  summary(id: string): RescueSummary | null {
    const row = this.db.prepare(`${SUMMARY} WHERE r.id = ?`).get(id) as RescueRow | undefined;
    return row ? summaryOf(row) : null;
  }

  list(limit = 100): RescueSummary[] {
    return (
      this.db.prepare(`${SUMMARY} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?`).all(limit) as RescueRow[]
    ).map(summaryOf);
  }

  pairs(id: string): StoredPair[] {
    return (
      this.db.prepare('SELECT * FROM rescue_pairs WHERE rescue_id = ? ORDER BY position').all(id) as PairRow[]
    ).map(pairOf);
  }

  /** Rescues left running (by this process, or by one that stopped). */
  runningIds(): string[] {
    return (
      this.db.prepare("SELECT id FROM rescues WHERE status = 'running' ORDER BY created_at").all() as {
        id: string;
      }[]
    ).map((row) => row.id);
  }

  updatePair(
    id: string,
    position: number,
    fields: Partial<Pick<RescuePair, 'status' | 'forkRunId' | 'runStatus' | 'error' | 'attempts'>>,
  ): void {
    const columns: Record<string, string> = {
      status: 'status',
      forkRunId: 'fork_run_id',
      runStatus: 'run_status',
      error: 'error',
      attempts: 'attempts',
    };
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    this.db
      .prepare(
        `UPDATE rescue_pairs SET ${entries.map(([key]) => `${columns[key]} = ?`).join(', ')}
         WHERE rescue_id = ? AND position = ?`,
      )
      .run(...entries.map(([, value]) => value as string | number | null), id, position);
  }

  finish(id: string, status: 'finished' | 'cancelled'): void {
    this.db
      .prepare('UPDATE rescues SET status = ?, finished_at = ? WHERE id = ?')
      .run(status, new Date().toISOString(), id);
  }
}
