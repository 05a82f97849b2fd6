import type {
  RescuePair,
  RescuePairStatus,
  RescueProgress,
  RescueSummary,
  RunChange,
  RunStatus,
} from '@trellis/shared';
import type { Sql } from './sql.ts';
import { authorFrom, authorNameColumn } from './users.ts';

interface RescueRow {
  id: string;
  name: string;
  status: string;
  change: string;
  from_mode: string;
  concurrency: number;
  created_at: string;
  finished_at: string | null;
  author: string | null;
  author_name: string | null;
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

const SUMMARY = `SELECT r.*, ${authorNameColumn('r')},
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
    author: authorFrom(row),
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
  constructor(private readonly sql: Sql) {}

  async create(rescue: {
    id: string;
    name: string;
    change: RunChange;
    from: RescueSummary['from'];
    concurrency: number;
    pairs: { sourceRunId: string; taskId: string; forkStep: number }[];
    /** The user who created it (its fork runs carry the same author); null or absent: no account. */
    author?: string | null;
  }): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO rescues (id, name, status, change, from_mode, concurrency, created_at, author)
         VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
        [
          rescue.id,
          rescue.name,
          JSON.stringify(rescue.change),
          rescue.from,
          rescue.concurrency,
          new Date().toISOString(),
          rescue.author ?? null,
        ],
      );
      await tx.runMany(
        `INSERT INTO rescue_pairs (rescue_id, position, source_run_id, task_id, fork_step, status)
         VALUES (?, ?, ?, ?, ?, 'pending')`,
        rescue.pairs.map((pair, position) => [
          rescue.id,
          position,
          pair.sourceRunId,
          pair.taskId,
          pair.forkStep,
        ]),
      );
    });
  }

  async summary(id: string): Promise<RescueSummary | null> {
    const row = await this.sql.get<RescueRow>(`${SUMMARY} WHERE r.id = ?`, [id]);
    return row ? summaryOf(row) : null;
  }

  async list(limit = 100): Promise<RescueSummary[]> {
    const rows = await this.sql.all<RescueRow>(
      `${SUMMARY} ORDER BY r.created_at DESC, r.rowid DESC LIMIT ?`,
      [limit],
    );
    return rows.map(summaryOf);
  }

  async pairs(id: string): Promise<StoredPair[]> {
    const rows = await this.sql.all<PairRow>(
      'SELECT * FROM rescue_pairs WHERE rescue_id = ? ORDER BY position',
      [id],
    );
    return rows.map(pairOf);
  }

  /** Rescues left running (by this process, or by one that stopped). */
  async runningIds(): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM rescues WHERE status = 'running' ORDER BY created_at",
    );
    return rows.map((row) => row.id);
  }

  async updatePair(
    id: string,
    position: number,
    fields: Partial<Pick<RescuePair, 'status' | 'forkRunId' | 'runStatus' | 'error' | 'attempts'>>,
  ): Promise<void> {
    const columns: Record<string, string> = {
      status: 'status',
      forkRunId: 'fork_run_id',
      runStatus: 'run_status',
      error: 'error',
      attempts: 'attempts',
    };
    const entries = Object.entries(fields).filter(([, value]) => value !== undefined);
    if (entries.length === 0) return;
    await this.sql.run(
      `UPDATE rescue_pairs SET ${entries.map(([key]) => `${columns[key]} = ?`).join(', ')}
       WHERE rescue_id = ? AND position = ?`,
      [...entries.map(([, value]) => value as string | number | null), id, position],
    );
  }

  async finish(id: string, status: 'finished' | 'cancelled'): Promise<void> {
    await this.sql.run('UPDATE rescues SET status = ?, finished_at = ? WHERE id = ?', [
      status,
      new Date().toISOString(),
      id,
    ]);
  }
}
