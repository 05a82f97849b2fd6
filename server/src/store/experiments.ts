import type {
  ExperimentArm,
  ExperimentItem,
  ExperimentItemStatus,
  ExperimentStatus,
  ExperimentSummary,
  RunStatus,
  RunTotals,
  ServerSample,
} from '@trellis/shared';
import type { Sql } from './sql.ts';
import { authorFrom, authorNameColumn } from './users.ts';

/** What an experiment froze when it was created. */
export interface ExperimentPlan {
  arms: ExperimentArm[];
  taskSet: Record<string, unknown>;
  taskCount: number;
  repeats: number;
  seeds: number[];
  limits: { concurrencyPerEndpoint: number; tokenBudget: number | null };
  baselineArm: number;
  /** An arm names a simulated model (its runs may say so before any of them has called it). */
  simulated: boolean;
}

export interface NewItem {
  arm: number;
  taskId: string;
  scenario: string;
  difficulty: number | null;
  repeat: number;
  seed: number;
}

/** An item with what the store keeps beside the public fields. */
export type StoredItem = ExperimentItem & {
  scenario: string;
  difficulty: number | null;
  previousRunIds: string[];
  /** Why the item has no run: its run could not be started (an endpoint removed since, say). */
  error: string | null;
};

/** An item joined with its run's outcome: what reports and progress read. */
export interface ItemOutcome extends StoredItem {
  success: boolean | null;
  /** The run's closing error (or the item's, when no run could be started). */
  runError: string | null;
  steps: number;
  totals: RunTotals | null;
  models: string[];
}

interface ExperimentRow {
  id: string;
  name: string;
  status: string;
  stop_reason: string | null;
  plan: string;
  created_at: string;
  finished_at: string | null;
  author: string | null;
  author_name: string | null;
  total: number;
  done: number;
  simulated_runs: number;
}

interface ItemRow {
  position: number;
  arm: number;
  task_id: string;
  scenario: string;
  difficulty: number | null;
  repetition: number;
  seed: number;
  status: string;
  run_id: string | null;
  attempts: number;
  previous_run_ids: string;
  error: string | null;
  run_status: string | null;
}

interface OutcomeRow extends ItemRow {
  success: number | null;
  run_error: string | null;
  steps: number | null;
  totals: string | null;
  models: string | null;
}

const SUMMARY = `SELECT e.*, ${authorNameColumn('e')},
    (SELECT COUNT(*) FROM experiment_items i WHERE i.experiment_id = e.id) AS total,
    (SELECT COUNT(*) FROM experiment_items i WHERE i.experiment_id = e.id AND i.status IN ('done', 'skipped'))
      AS done,
    (SELECT COUNT(*) FROM experiment_items i JOIN runs r ON r.id = i.run_id
      WHERE i.experiment_id = e.id AND r.models LIKE '%"simulated-%') AS simulated_runs
  FROM experiments e`;

const ITEM = `SELECT i.*, r.status AS run_status FROM experiment_items i LEFT JOIN runs r ON r.id = i.run_id
  WHERE i.experiment_id = ? AND i.position = ?`;

const ITEMS = `SELECT i.*, r.status AS run_status FROM experiment_items i
  LEFT JOIN runs r ON r.id = i.run_id WHERE i.experiment_id = ? ORDER BY i.position`;

const OUTCOMES = `SELECT i.*, r.status AS run_status, r.success, r.error AS run_error, r.steps, r.totals, r.models
  FROM experiment_items i LEFT JOIN runs r ON r.id = i.run_id
  WHERE i.experiment_id = ? ORDER BY i.position`;

/** Every value a placeholder, so that PostgreSQL can insert many items in one statement. */
const INSERT_ITEM = `INSERT INTO experiment_items (experiment_id, position, arm, task_id, scenario, difficulty,
    repetition, seed, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

const INSERT_SAMPLE = `INSERT INTO experiment_server_samples (experiment_id, at, endpoint_id, source, requests_running,
    requests_waiting, kv_cache_usage, prefix_cache_hit_rate) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

/** Counts for progress. A comparison sums as 0 or 1 in SQLite only, so each count is a CASE. */
function countsQuery(tokens: string): string {
  return `SELECT COUNT(*) AS total,
      COALESCE(SUM(CASE WHEN i.status IN ('done', 'skipped') THEN 1 ELSE 0 END), 0) AS done,
      COALESCE(SUM(CASE WHEN i.status = 'running' THEN 1 ELSE 0 END), 0) AS running,
      COALESCE(SUM(CASE WHEN i.status = 'skipped' THEN 1 ELSE 0 END), 0) AS skipped,
      COALESCE(SUM(CASE WHEN i.status = 'done' AND r.status = 'succeeded' THEN 1 ELSE 0 END), 0) AS succeeded,
      COALESCE(SUM(CASE WHEN i.status = 'done' AND (r.status = 'errored' OR i.run_id IS NULL) THEN 1 ELSE 0 END), 0)
        AS errored,
      COALESCE(SUM(CASE WHEN i.status = 'done' AND r.totals IS NOT NULL THEN ${tokens} ELSE 0 END), 0) AS tokens_used
    FROM experiment_items i LEFT JOIN runs r ON r.id = i.run_id WHERE i.experiment_id = ?`;
}

const COUNTS = {
  sqlite: countsQuery(
    "json_extract(r.totals, '$.promptTokens') + json_extract(r.totals, '$.completionTokens')",
  ),
  postgres: countsQuery(
    "(r.totals::jsonb ->> 'promptTokens')::numeric + (r.totals::jsonb ->> 'completionTokens')::numeric",
  ),
};

/** The item's current run, if it has one, joins the end of its history. */
const APPEND_RUN = {
  sqlite: "json_insert(previous_run_ids, '$[#]', run_id)",
  postgres: '(previous_run_ids::jsonb || jsonb_build_array(run_id))::text',
};

function planOf(row: ExperimentRow): ExperimentPlan {
  return JSON.parse(row.plan) as ExperimentPlan;
}

function summaryOf(row: ExperimentRow): ExperimentSummary {
  const plan = planOf(row);
  return {
    id: row.id,
    name: row.name,
    status: row.status as ExperimentStatus,
    stopReason: row.stop_reason,
    createdAt: row.created_at,
    author: authorFrom(row),
    finishedAt: row.finished_at,
    arms: plan.arms,
    taskSet: plan.taskSet,
    taskCount: plan.taskCount,
    repeats: plan.repeats,
    seeds: plan.seeds,
    limits: plan.limits,
    baselineArm: plan.baselineArm,
    simulated: plan.simulated || row.simulated_runs > 0,
    total: row.total,
    done: row.done,
  };
}

function itemOf(row: ItemRow): StoredItem {
  return {
    position: row.position,
    arm: row.arm,
    taskId: row.task_id,
    scenario: row.scenario,
    difficulty: row.difficulty,
    repeat: row.repetition,
    seed: row.seed,
    status: row.status as ExperimentItemStatus,
    runId: row.run_id,
    runStatus: row.run_status as RunStatus | null,
    attempts: row.attempts,
    previousRunIds: JSON.parse(row.previous_run_ids) as string[],
    error: row.error,
  };
}

/** Experiments, the items of their plans, and the inference-server samples taken while they ran. */
export class ExperimentRepo {
  constructor(private readonly sql: Sql) {}

  async create(experiment: {
    id: string;
    name: string;
    plan: ExperimentPlan;
    items: NewItem[];
    /** The user who created it (its runs carry the same author); null or absent: no account. */
    author?: string | null;
  }): Promise<void> {
    await this.sql.transaction(async (tx) => {
      await tx.run(
        `INSERT INTO experiments (id, name, status, plan, created_at, author) VALUES (?, ?, 'running', ?, ?, ?)`,
        [
          experiment.id,
          experiment.name,
          JSON.stringify(experiment.plan),
          new Date().toISOString(),
          experiment.author ?? null,
        ],
      );
      await tx.runMany(
        INSERT_ITEM,
        experiment.items.map((item, position) => [
          experiment.id,
          position,
          item.arm,
          item.taskId,
          item.scenario,
          item.difficulty,
          item.repeat,
          item.seed,
          'pending',
        ]),
      );
    });
  }

  async summary(id: string): Promise<ExperimentSummary | null> {
    const row = await this.sql.get<ExperimentRow>(`${SUMMARY} WHERE e.id = ?`, [id]);
    return row ? summaryOf(row) : null;
  }

  async plan(id: string): Promise<ExperimentPlan | null> {
    const row = await this.sql.get<Pick<ExperimentRow, 'plan'>>('SELECT plan FROM experiments WHERE id = ?', [
      id,
    ]);
    return row ? (JSON.parse(row.plan) as ExperimentPlan) : null;
  }

  async list(limit = 200): Promise<ExperimentSummary[]> {
    const rows = await this.sql.all<ExperimentRow>(
      `${SUMMARY} ORDER BY e.created_at DESC, e.rowid DESC LIMIT ?`,
      [limit],
    );
    return rows.map(summaryOf);
  }

  async items(id: string): Promise<StoredItem[]> {
    return (await this.sql.all<ItemRow>(ITEMS, [id])).map(itemOf);
  }

  async item(id: string, position: number): Promise<StoredItem | null> {
    const row = await this.sql.get<ItemRow>(ITEM, [id, position]);
    return row ? itemOf(row) : null;
  }

  /** Every item with its run's outcome, in plan order. */
  async outcomes(id: string): Promise<ItemOutcome[]> {
    return (await this.sql.all<OutcomeRow>(OUTCOMES, [id])).map((row) => ({
      ...itemOf(row),
      success: row.success === null ? null : row.success === 1,
      runError: row.run_error ?? row.error,
      steps: row.steps ?? 0,
      totals: row.totals ? (JSON.parse(row.totals) as RunTotals) : null,
      models: row.models ? (JSON.parse(row.models) as string[]) : [],
    }));
  }

  /** Counts for progress, without reading the items one by one. */
  async counts(id: string): Promise<{
    total: number;
    done: number;
    running: number;
    skipped: number;
    succeeded: number;
    errored: number;
    tokensUsed: number;
  }> {
    const row = (await this.sql.get<{
      total: number;
      done: number;
      running: number;
      skipped: number;
      succeeded: number;
      errored: number;
      tokens_used: number;
    }>(COUNTS[this.sql.dialect], [id]))!;
    return {
      total: row.total,
      done: row.done,
      running: row.running,
      skipped: row.skipped,
      succeeded: row.succeeded,
      errored: row.errored,
      tokensUsed: row.tokens_used,
    };
  }

  /** Experiments left running (by this process, or by one that stopped). */
  async runningIds(): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM experiments WHERE status = 'running' ORDER BY created_at",
    );
    return rows.map((row) => row.id);
  }

  /** The experiment a run was started for, if any (indexed by run). */
  async experimentOf(runId: string): Promise<string | null> {
    const row = await this.sql.get<{ experiment_id: string }>(
      'SELECT experiment_id FROM experiment_items WHERE run_id = ? LIMIT 1',
      [runId],
    );
    return row?.experiment_id ?? null;
  }

  /** The item now carries out its plan with this run; a run it had before is kept in its history. */
  async startItem(id: string, position: number, runId: string): Promise<void> {
    await this.sql.run(
      `UPDATE experiment_items SET
         previous_run_ids = CASE WHEN run_id IS NULL THEN previous_run_ids ELSE ${APPEND_RUN[this.sql.dialect]} END,
         run_id = ?, status = 'running', attempts = attempts + 1, error = NULL
       WHERE experiment_id = ? AND position = ?`,
      [runId, id, position],
    );
  }

  /** The item's run could not be started: it is done, with the reason and no run. */
  async failItem(id: string, position: number, error: string): Promise<void> {
    await this.sql.run(
      `UPDATE experiment_items SET
         previous_run_ids = CASE WHEN run_id IS NULL THEN previous_run_ids ELSE ${APPEND_RUN[this.sql.dialect]} END,
         run_id = NULL, status = 'done', attempts = attempts + 1, error = ?
       WHERE experiment_id = ? AND position = ?`,
      [error, id, position],
    );
  }

  async setItemStatus(id: string, position: number, status: ExperimentItemStatus): Promise<void> {
    await this.sql.run('UPDATE experiment_items SET status = ? WHERE experiment_id = ? AND position = ?', [
      status,
      id,
      position,
    ]);
  }

  /** Items still to run become skipped (a cancelled or stopped experiment). */
  async skipPending(id: string): Promise<void> {
    // An item waiting to be re-run keeps the run it had (it stays done, errored); one never run is skipped.
    await this.sql.run(
      `UPDATE experiment_items SET status = CASE WHEN run_id IS NOT NULL OR error IS NOT NULL THEN 'done'
         ELSE 'skipped' END WHERE experiment_id = ? AND status = 'pending'`,
      [id],
    );
  }

  /** Items whose run ended `errored` go back to pending; returns how many. */
  async resetErrored(id: string): Promise<number> {
    return this.sql.run(
      `UPDATE experiment_items SET status = 'pending' WHERE experiment_id = ? AND status = 'done'
         AND (run_id IS NULL OR run_id IN (SELECT id FROM runs WHERE status = 'errored'))`,
      [id],
    );
  }

  async setStatus(id: string, status: ExperimentStatus, stopReason: string | null = null): Promise<void> {
    const finished = status === 'running' ? null : new Date().toISOString();
    await this.sql.run('UPDATE experiments SET status = ?, stop_reason = ?, finished_at = ? WHERE id = ?', [
      status,
      stopReason,
      finished,
      id,
    ]);
  }

  async addSamples(
    id: string,
    samples: readonly (ServerSample & { source: string | null })[],
  ): Promise<void> {
    await this.sql.runMany(
      INSERT_SAMPLE,
      samples.map((s) => [
        id,
        s.at,
        s.endpointId,
        s.source ?? null,
        s.requestsRunning,
        s.requestsWaiting,
        s.kvCacheUsage,
        s.prefixCacheHitRate,
      ]),
    );
  }

  async samples(id: string): Promise<(ServerSample & { source: string | null })[]> {
    const rows = await this.sql.all<{
      at: number;
      endpoint_id: string;
      source: string | null;
      requests_running: number | null;
      requests_waiting: number | null;
      kv_cache_usage: number | null;
      prefix_cache_hit_rate: number | null;
    }>(
      `SELECT at, endpoint_id, source, requests_running, requests_waiting, kv_cache_usage,
         prefix_cache_hit_rate FROM experiment_server_samples WHERE experiment_id = ? ORDER BY at`,
      [id],
    );
    return rows.map((row) => ({
      at: row.at,
      endpointId: row.endpoint_id,
      source: row.source,
      requestsRunning: row.requests_running,
      requestsWaiting: row.requests_waiting,
      kvCacheUsage: row.kv_cache_usage,
      prefixCacheHitRate: row.prefix_cache_hit_rate,
    }));
  }
}
