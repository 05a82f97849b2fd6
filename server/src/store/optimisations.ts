import type {
  Author,
  CandidateProblem,
  CandidateStatus,
  EditChange,
  FailureSample,
  OptimisationStatus,
  OptimiserCandidate,
  RateWithInterval,
  RunEvent,
} from '@trellis/shared';
import type { Sql } from './sql.ts';
import { authorFrom, authorNameColumn } from './users.ts';

export interface StoredOptimisation {
  id: string;
  name: string;
  status: OptimisationStatus;
  stopReason: string | null;
  graphVersionId: string;
  request: Record<string, unknown>;
  confirmationExperimentId: string | null;
  createdAt: string;
  /** Who created it (its graph versions, experiments and runs carry the same author); null: no account. */
  author: Author | null;
  finishedAt: string | null;
}

/** What the meta-agent was shown when it wrote a round's proposal (the graph is the parent version). */
export interface CandidateState {
  parentScore: number | null;
  failures: FailureSample[];
  history: { round: number; label: string; score: number | null }[];
}

/** One proposal of a round as the meta-agent wrote it, and what was wrong with it (nothing, for the last valid one). */
export interface CandidateAttempt {
  reply: string;
  problems: string[];
}

export type StoredCandidate = OptimiserCandidate & {
  state: CandidateState;
  /** The graph as checked (the last proposal's), or null when none could be read as a graph. */
  proposal: unknown;
  attempts: CandidateAttempt[];
};

interface OptimisationRow {
  id: string;
  name: string;
  status: string;
  stop_reason: string | null;
  graph_version_id: string;
  request: string;
  confirmation_experiment_id: string | null;
  created_at: string;
  finished_at: string | null;
  author: string | null;
  author_name: string | null;
}

interface CandidateRow {
  idx: number;
  round: number;
  parent_version_id: string | null;
  version_id: string | null;
  label: string;
  analysis: string;
  edit: string;
  status: string;
  reason: string | null;
  repairs: number;
  problems: string;
  dry_run_id: string | null;
  experiment_id: string | null;
  score: string | null;
  cost: number | null;
  reward: number | null;
  state: string;
  proposal: string | null;
  attempts: string;
  created_at: string;
}

const OPTIMISATION_COLUMNS = `optimisations.*, ${authorNameColumn('optimisations')}`;

function optimisationOf(row: OptimisationRow): StoredOptimisation {
  return {
    id: row.id,
    name: row.name,
    status: row.status as OptimisationStatus,
    stopReason: row.stop_reason,
    graphVersionId: row.graph_version_id,
    request: JSON.parse(row.request) as Record<string, unknown>,
    confirmationExperimentId: row.confirmation_experiment_id,
    createdAt: row.created_at,
    author: authorFrom(row),
    finishedAt: row.finished_at,
  };
}

function candidateOf(row: CandidateRow): StoredCandidate {
  return {
    round: row.round,
    index: row.idx,
    parentVersionId: row.parent_version_id,
    versionId: row.version_id,
    label: row.label,
    analysis: row.analysis,
    edit: JSON.parse(row.edit) as EditChange[],
    status: row.status as CandidateStatus,
    reason: row.reason,
    repairs: row.repairs,
    problems: JSON.parse(row.problems) as CandidateProblem[],
    dryRunId: row.dry_run_id,
    experimentId: row.experiment_id,
    score: row.score ? (JSON.parse(row.score) as RateWithInterval) : null,
    cost: row.cost,
    reward: row.reward,
    createdAt: row.created_at,
    state: JSON.parse(row.state) as CandidateState,
    proposal: row.proposal === null ? null : (JSON.parse(row.proposal) as unknown),
    attempts: JSON.parse(row.attempts) as CandidateAttempt[],
  };
}

/** Scaffold optimisations and their candidates (one per round: a proposed graph and how it scored on dev). */
export class OptimisationRepo {
  constructor(private readonly sql: Sql) {}

  async create(
    optimisation: Pick<StoredOptimisation, 'id' | 'name' | 'graphVersionId' | 'request'> & {
      author?: string | null;
    },
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO optimisations (id, name, status, graph_version_id, request, created_at, author)
       VALUES (?, ?, 'running', ?, ?, ?, ?)`,
      [
        optimisation.id,
        optimisation.name,
        optimisation.graphVersionId,
        JSON.stringify(optimisation.request),
        new Date().toISOString(),
        optimisation.author ?? null,
      ],
    );
  }

  async get(id: string): Promise<StoredOptimisation | null> {
    const row = await this.sql.get<OptimisationRow>(
      `SELECT ${OPTIMISATION_COLUMNS} FROM optimisations WHERE id = ?`,
      [id],
    );
    return row ? optimisationOf(row) : null;
  }

  async list(limit = 200): Promise<StoredOptimisation[]> {
    const rows = await this.sql.all<OptimisationRow>(
      `SELECT ${OPTIMISATION_COLUMNS} FROM optimisations ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      [limit],
    );
    return rows.map(optimisationOf);
  }

  async runningIds(): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM optimisations WHERE status = 'running' ORDER BY created_at",
    );
    return rows.map((row) => row.id);
  }

  async candidates(id: string): Promise<StoredCandidate[]> {
    const rows = await this.sql.all<CandidateRow>(
      'SELECT * FROM optimisation_candidates WHERE optimisation_id = ? ORDER BY idx',
      [id],
    );
    return rows.map(candidateOf);
  }

  async addCandidate(id: string, candidate: StoredCandidate): Promise<void> {
    await this.sql.run(
      `INSERT INTO optimisation_candidates (optimisation_id, idx, round, parent_version_id, version_id, label,
         analysis, edit, status, reason, repairs, problems, dry_run_id, experiment_id, score, cost, reward, state,
         proposal, attempts, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        candidate.index,
        candidate.round,
        candidate.parentVersionId,
        candidate.versionId,
        candidate.label,
        candidate.analysis,
        JSON.stringify(candidate.edit),
        candidate.status,
        candidate.reason,
        candidate.repairs,
        JSON.stringify(candidate.problems),
        candidate.dryRunId,
        candidate.experimentId,
        candidate.score ? JSON.stringify(candidate.score) : null,
        candidate.cost,
        candidate.reward,
        JSON.stringify(candidate.state),
        candidate.proposal === null || candidate.proposal === undefined
          ? null
          : JSON.stringify(candidate.proposal),
        JSON.stringify(candidate.attempts),
        candidate.createdAt,
      ],
    );
  }

  /** A candidate's outcome once its scoring has ended. */
  async finishCandidate(
    id: string,
    index: number,
    fields: Pick<StoredCandidate, 'status' | 'reason' | 'score' | 'cost' | 'reward'>,
  ): Promise<void> {
    await this.sql.run(
      `UPDATE optimisation_candidates SET status = ?, reason = ?, score = ?, cost = ?, reward = ?
       WHERE optimisation_id = ? AND idx = ?`,
      [
        fields.status,
        fields.reason,
        fields.score ? JSON.stringify(fields.score) : null,
        fields.cost,
        fields.reward,
        id,
        index,
      ],
    );
  }

  async setConfirmation(id: string, experimentId: string): Promise<void> {
    await this.sql.run('UPDATE optimisations SET confirmation_experiment_id = ? WHERE id = ?', [
      experimentId,
      id,
    ]);
  }

  async setStatus(id: string, status: OptimisationStatus, stopReason: string | null = null): Promise<void> {
    const finished = status === 'running' ? null : new Date().toISOString();
    await this.sql.run('UPDATE optimisations SET status = ?, stop_reason = ?, finished_at = ? WHERE id = ?', [
      status,
      stopReason,
      finished,
      id,
    ]);
  }

  /**
   * A run's last recorded event of one type, read alone: the meta-agent is shown the last observation of a few
   * failed runs, which must not mean loading each run's whole trace.
   */
  async lastEvent<T extends RunEvent['type']>(
    runId: string,
    type: T,
  ): Promise<Extract<RunEvent, { type: T }> | null> {
    const row = await this.sql.get<{ body: string }>(
      'SELECT body FROM run_events WHERE run_id = ? AND type = ? ORDER BY seq DESC LIMIT 1',
      [runId, type],
    );
    return row ? (JSON.parse(row.body) as Extract<RunEvent, { type: T }>) : null;
  }
}
