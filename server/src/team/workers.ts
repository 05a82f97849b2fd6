import type { RunEvent } from '@trellis/shared';
import { emptyTotals } from '../engine/engine.ts';
import { RUNS_CHANNEL } from '../store/channels.ts';
import { RunRepo } from '../store/runs.ts';
import type { Sql } from '../store/sql.ts';
import { SharedEndpointLimits } from './endpoint-slots.ts';

const NOW_MS = 'extract(epoch from clock_timestamp()) * 1000';

export interface WorkerInfo {
  id: string;
  name: string;
  host: string;
  pid: number;
  concurrency: number;
  startedAt: string;
  /** Milliseconds since its last heartbeat, on the database's clock. */
  silentMs: number;
  /** Runs it holds now. */
  running: number;
  stoppedAt: string | null;
  stopReason: string | null;
}

interface WorkerRow {
  id: string;
  name: string;
  host: string;
  pid: number;
  concurrency: number;
  queue_worker_ids: string;
  started_at: string;
  silent_ms: number;
  running: number;
  stopped_at: string | null;
  stop_reason: string | null;
}

/** What one sweep found: workers declared gone and what became of their runs. */
export interface SweepResult {
  workers: string[];
  interruptedRuns: string[];
  /** The job-queue worker ids of the gone workers, whose locked jobs the queue should release. */
  queueWorkerIds: string[];
}

/**
 * The run workers of a team deployment, in PostgreSQL: each registers, beats every few seconds, and claims the
 * runs it executes (runs.worker_id). A worker silent for longer than the stale limit is gone: its runs end
 * `interrupted` with their trace kept and a closing `run.finished` event, so every live stream ends.
 */
export class WorkerRegistry {
  constructor(private readonly sql: Sql) {}

  async register(worker: { id: string; name: string; host: string; pid: number; concurrency: number }) {
    await this.sql.run(
      `INSERT INTO workers (id, name, host, pid, concurrency, started_at, heartbeat_at)
       VALUES (?, ?, ?, ?, ?, ?, ${NOW_MS})`,
      [worker.id, worker.name, worker.host, worker.pid, worker.concurrency, new Date().toISOString()],
    );
  }

  /** Records a liveness beat; false when this worker was already declared gone (it must stop taking work). */
  async heartbeat(id: string): Promise<boolean> {
    const changed = await this.sql.run(
      `UPDATE workers SET heartbeat_at = ${NOW_MS} WHERE id = ? AND stopped_at IS NULL`,
      [id],
    );
    return changed > 0;
  }

  async setQueueWorkerIds(id: string, queueWorkerIds: string[]): Promise<void> {
    await this.sql.run('UPDATE workers SET queue_worker_ids = ? WHERE id = ?', [
      JSON.stringify(queueWorkerIds),
      id,
    ]);
  }

  async stopped(id: string, reason: string): Promise<void> {
    await this.sql.run(
      'UPDATE workers SET stopped_at = ?, stop_reason = ? WHERE id = ? AND stopped_at IS NULL',
      [new Date().toISOString(), reason, id],
    );
  }

  /** Workers that have not stopped, most recent first, with how long each has been silent. */
  async list(options: { includeStopped?: boolean } = {}): Promise<WorkerInfo[]> {
    const rows = await this.sql.all<WorkerRow>(
      `SELECT w.*, ${NOW_MS} - w.heartbeat_at AS silent_ms,
              (SELECT COUNT(*) FROM runs r WHERE r.worker_id = w.id AND r.status = 'running') AS running
       FROM workers w ${options.includeStopped ? '' : 'WHERE w.stopped_at IS NULL'}
       ORDER BY w.started_at DESC`,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      host: row.host,
      pid: row.pid,
      concurrency: row.concurrency,
      startedAt: row.started_at,
      silentMs: Math.max(0, Math.round(row.silent_ms)),
      running: row.running,
      stoppedAt: row.stopped_at,
      stopReason: row.stop_reason,
    }));
  }

  /**
   * Declares every worker silent for `staleMs` gone, interrupts the runs it held and frees its endpoint leases.
   * Any process may sweep: each gone worker is taken by one sweeper (row locks, SKIP LOCKED).
   */
  async sweep(staleMs: number): Promise<SweepResult> {
    const result: SweepResult = { workers: [], interruptedRuns: [], queueWorkerIds: [] };
    const stale = await this.sql.all<{ id: string }>(
      `SELECT id FROM workers WHERE stopped_at IS NULL AND heartbeat_at < ${NOW_MS} - ?`,
      [staleMs],
    );
    for (const { id } of stale) {
      const taken = await this.sql.transaction(async (tx) => {
        const row = await tx.get<{ queue_worker_ids: string; silent_ms: number }>(
          `SELECT queue_worker_ids, ${NOW_MS} - heartbeat_at AS silent_ms FROM workers
           WHERE id = ? AND stopped_at IS NULL AND heartbeat_at < ${NOW_MS} - ? FOR UPDATE SKIP LOCKED`,
          [id, staleMs],
        );
        if (!row) return null;
        const reason = `the worker running it stopped answering (no heartbeat for ${Math.round(row.silent_ms / 1000)} s)`;
        await tx.run('UPDATE workers SET stopped_at = ?, stop_reason = ? WHERE id = ?', [
          new Date().toISOString(),
          'no heartbeat',
          id,
        ]);
        const runs = await interruptRunsOf(tx, id, reason);
        await SharedEndpointLimits.freeLeasesOf(tx, id);
        return { runs, queueWorkerIds: JSON.parse(row.queue_worker_ids) as string[] };
      });
      if (!taken) continue;
      result.workers.push(id);
      result.interruptedRuns.push(...taken.runs);
      result.queueWorkerIds.push(...taken.queueWorkerIds);
    }
    return result;
  }
}

/**
 * Ends every run a worker held as `interrupted`, each with a closing `run.finished` event after the last one it
 * recorded. Only runs still `running` under that worker change, so a run ends once whoever gets there first.
 */
export async function interruptRunsOf(sql: Sql, workerId: string, reason: string): Promise<string[]> {
  const runs = new RunRepo(sql);
  const held = await sql.all<{ id: string; event_count: number }>(
    "SELECT id, event_count FROM runs WHERE worker_id = ? AND status IN ('queued', 'running') FOR UPDATE",
    [workerId],
  );
  for (const run of held) {
    const event: RunEvent = {
      type: 'run.finished',
      runId: run.id,
      seq: run.event_count + 1,
      at: Date.now(),
      status: 'interrupted',
      evaluation: null,
      totals: emptyTotals(),
      error: reason,
    };
    await runs.appendEvents([event]);
    await sql.run(
      "UPDATE runs SET status = 'interrupted', finished_at = ?, error = ? WHERE id = ? AND status IN ('queued', 'running')",
      [new Date().toISOString(), reason, run.id],
    );
    await sql.get('SELECT pg_notify(?, ?)', [RUNS_CHANNEL, `${run.id}:interrupted`]);
  }
  return held.map((run) => run.id);
}
