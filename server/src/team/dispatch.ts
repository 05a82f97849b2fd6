import type { RunEvent } from '@trellis/shared';
import { emptyTotals } from '../engine/engine.ts';
import type { RunDispatch } from '../runs/manager.ts';
import { CANCEL_CHANNEL, RUNS_CHANNEL } from '../store/channels.ts';
import { RunRepo } from '../store/runs.ts';
import type { Sql } from '../store/sql.ts';
import type { RunQueue } from './queue.ts';
import type { RemoteRuns } from './remote-runs.ts';

const CANCELLED = 'cancelled by the user';

/** A team web server's runs: queued for the workers, settled and cancelled through the shared store. */
export class QueueDispatch implements RunDispatch {
  constructor(
    private readonly sql: Sql,
    private readonly queue: RunQueue,
    private readonly remote: RemoteRuns,
  ) {}

  /**
   * Queued through the store's own connection, so inside a transaction (a fork's run and its lineage) the job
   * appears only when the run's record does: no worker can take a run it cannot see yet.
   */
  enqueue(runId: string): Promise<void> {
    return this.queue.enqueueWith(this.sql, runId);
  }

  settled(runId: string): Promise<void> {
    return this.remote.settled(runId);
  }

  /**
   * A run no worker has taken ends here, as cancelled, with its one event; a run a worker holds is flagged and the
   * worker told (it also looks for the flag with every heartbeat, should the notification be missed).
   */
  async cancel(runId: string): Promise<boolean> {
    const endedHere = await this.sql.transaction(async (tx) => {
      const taken = await tx.run(
        "UPDATE runs SET status = 'cancelled', finished_at = ?, error = ?, totals = ? WHERE id = ? AND status = 'queued' AND worker_id IS NULL",
        [new Date().toISOString(), CANCELLED, JSON.stringify(emptyTotals()), runId],
      );
      if (taken === 0) return false;
      const event: RunEvent = {
        type: 'run.finished',
        runId,
        seq: 1,
        at: Date.now(),
        status: 'cancelled',
        evaluation: null,
        totals: emptyTotals(),
        error: CANCELLED,
      };
      await new RunRepo(tx).appendEvents([event]);
      await tx.get('SELECT pg_notify(?, ?)', [RUNS_CHANNEL, `${runId}:cancelled`]);
      return true;
    });
    if (endedHere) return true;
    const flagged = await this.sql.run(
      "UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status IN ('queued', 'running')",
      [runId],
    );
    if (flagged === 0) return false;
    await this.sql.get('SELECT pg_notify(?, ?)', [CANCEL_CHANNEL, runId]);
    return true;
  }
}
