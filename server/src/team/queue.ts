import { EventEmitter } from 'node:events';
import {
  Logger,
  type LogLevel,
  makeWorkerUtils,
  type Runner,
  run,
  type WorkerEvents,
  type WorkerUtils,
} from 'graphile-worker';
import type { Sql } from '../store/sql.ts';

/** The one kind of job Trellis queues: execute the run named in its payload. */
export const RUN_TASK = 'trellis_run';
/** A job whose worker died is released to another, which finds the run's state in its record. */
const MAX_ATTEMPTS = 3;

interface RunPayload {
  runId: string;
}

function isRunPayload(payload: unknown): payload is RunPayload {
  return typeof payload === 'object' && payload !== null && typeof (payload as RunPayload).runId === 'string';
}

/** graphile-worker's own messages: warnings and errors only, prefixed so they read as Trellis's. */
const quietLogger = new Logger(() => (level: LogLevel, message: string) => {
  if (level === 'error' || level === 'warning') console.error(`trellis queue ${level}: ${message}`);
});

/**
 * Runs waiting for a worker, as graphile-worker jobs in the team's PostgreSQL (schema `graphile_worker`). The
 * queue only carries run ids: the run's record says what to run, and claiming that record (not the job) is what
 * makes a run execute once.
 */
export class RunQueue {
  private constructor(private readonly utils: WorkerUtils) {}

  static async open(url: string): Promise<RunQueue> {
    const utils = await makeWorkerUtils({ connectionString: url, logger: quietLogger });
    await utils.migrate();
    return new RunQueue(utils);
  }

  /**
   * Queues a run, through `sql` (graphile-worker's add_job function), so the job commits with the transaction
   * that `sql` is in, if any: a worker never takes a run whose record it cannot see yet.
   */
  async enqueueWith(sql: Sql, runId: string): Promise<void> {
    await sql.get(
      "SELECT graphile_worker.add_job(?, json_build_object('runId', CAST(? AS TEXT)), job_key := ?, max_attempts := ?)",
      [RUN_TASK, runId, runId, MAX_ATTEMPTS],
    );
  }

  /** Releases the jobs locked by queue workers of a process that is gone, so others may take them. */
  async releaseWorkers(queueWorkerIds: string[]): Promise<void> {
    if (queueWorkerIds.length > 0) await this.utils.forceUnlockWorkers(queueWorkerIds);
  }

  /** Jobs not yet taken or still running, for the workers page. */
  async depth(): Promise<{ waiting: number; locked: number }> {
    return this.utils.withPgClient(async (client) => {
      const result = await client.query<{ waiting: string; locked: string }>(
        `SELECT COUNT(*) FILTER (WHERE locked_at IS NULL) AS waiting,
                COUNT(*) FILTER (WHERE locked_at IS NOT NULL) AS locked
         FROM graphile_worker.jobs WHERE task_identifier = $1`,
        [RUN_TASK],
      );
      const row = result.rows[0]!;
      return { waiting: Number(row.waiting), locked: Number(row.locked) };
    });
  }

  async close(): Promise<void> {
    await this.utils.release();
  }
}

export interface QueueRunner {
  /** graphile-worker's ids for this process's job slots (they lock the jobs this process runs). */
  workerIds(): string[];
  /** Stops taking jobs and waits for the jobs in hand to finish. */
  stop(): Promise<void>;
  /** Settles when the runner stops, or rejects when it fails. */
  done: Promise<void>;
}

/**
 * Takes run jobs from the queue, at most `concurrency` at once, and hands each run id to `execute`, which
 * resolves when the run has ended (whatever its status: a run's failure is in its record, never a job failure).
 */
export async function startQueueRunner(options: {
  url: string;
  concurrency: number;
  execute: (runId: string) => Promise<void>;
  onWorkerIds?: (ids: string[]) => void;
}): Promise<QueueRunner> {
  const ids = new Set<string>();
  const events: WorkerEvents = new EventEmitter();
  events.on('worker:create', ({ worker }) => {
    ids.add(worker.workerId);
    options.onWorkerIds?.([...ids]);
  });
  const runner: Runner = await run({
    connectionString: options.url,
    concurrency: options.concurrency,
    maxPoolSize: Math.max(4, options.concurrency + 2),
    noHandleSignals: true,
    pollInterval: 1_000,
    logger: quietLogger,
    events,
    taskList: {
      [RUN_TASK]: async (payload) => {
        if (!isRunPayload(payload)) throw new Error('a run job without a run id');
        await options.execute(payload.runId);
      },
    },
  });
  return {
    workerIds: () => [...ids],
    stop: () => runner.stop(),
    done: runner.promise,
  };
}
