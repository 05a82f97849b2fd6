import type {
  CandidateProblem,
  CandidateStatus,
  EditChange,
  FailureSample,
  OptimisationStatus,
  OptimiserCandidate,
  RateWithInterval,
  RunEvent,
} from '@trellis/shared';
import type { Db } from './db.ts';

export interface StoredOptimisation {
  id: string;
  name: string;
  status: OptimisationStatus;
  stopReason: string | null;
  graphVersionId: string;
  request: Record<string, unknown>;
  confirmationExperimentId: string | null;
  createdAt: string;
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
  constructor(private readonly db: Db) {}

  create(optimisation: Pick<StoredOptimisation, 'id' | 'name' | 'graphVersionId' | 'request'>): void {
    this.db
      .prepare(
        `INSERT INTO optimisations (id, name, status, graph_version_id, request, created_at)
         VALUES (?, ?, 'running', ?, ?, ?)`,
      )
      .run(
        optimisation.id,
        optimisation.name,
        optimisation.graphVersionId,
        JSON.stringify(optimisation.request),
        new Date().toISOString(),
      );
  }

  get(id: string): StoredOptimisation | null {
    const row = this.db.prepare('SELECT * FROM optimisations WHERE id = ?').get(id) as
      | OptimisationRow
      | undefined;
    return row ? optimisationOf(row) : null;
  }

  list(limit = 200): StoredOptimisation[] {
    return (
      this.db
        .prepare('SELECT * FROM optimisations ORDER BY created_at DESC, rowid DESC LIMIT ?')
        .all(limit) as OptimisationRow[]
    ).map(optimisationOf);
  }

  runningIds(): string[] {
    return (
      this.db.prepare("SELECT id FROM optimisations WHERE status = 'running' ORDER BY created_at").all() as {
        id: string;
      }[]
    ).map((row) => row.id);
  }

  candidates(id: string): StoredCandidate[] {
    return (
      this.db
        .prepare('SELECT * FROM optimisation_candidates WHERE optimisation_id = ? ORDER BY idx')
        .all(id) as CandidateRow[]
    ).map(candidateOf);
  }

  addCandidate(id: string, candidate: StoredCandidate): void {
    this.db
      .prepare(
        `INSERT INTO optimisation_candidates (optimisation_id, idx, round, parent_version_id, version_id, label,
           analysis, edit, status, reason, repairs, problems, dry_run_id, experiment_id, score, cost, reward, state,
           proposal, attempts, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
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
      );
  }

  /** A candidate's outcome once its scoring has ended. */
  finishCandidate(
    id: string,
    index: number,
    fields: Pick<StoredCandidate, 'status' | 'reason' | 'score' | 'cost' | 'reward'>,
  ): void {
    this.db
      .prepare(
        `UPDATE optimisation_candidates SET status = ?, reason = ?, score = ?, cost = ?, reward = ?
         WHERE optimisation_id = ? AND idx = ?`,
      )
      .run(
        fields.status,
        fields.reason,
        fields.score ? JSON.stringify(fields.score) : null,
        fields.cost,
        fields.reward,
        id,
        index,
      );
  }

  setConfirmation(id: string, experimentId: string): void {
    this.db
      .prepare('UPDATE optimisations SET confirmation_experiment_id = ? WHERE id = ?')
      .run(experimentId, id);
  }

  setStatus(id: string, status: OptimisationStatus, stopReason: string | null = null): void {
    const finished = status === 'running' ? null : new Date().toISOString();
    this.db
      .prepare('UPDATE optimisations SET status = ?, stop_reason = ?, finished_at = ? WHERE id = ?')
      .run(status, stopReason, finished, id);
  }

  /**
   * A run's last recorded event of one type, read alone: the meta-agent is shown the last observation of a few
   * failed runs, which must not mean loading each run's whole trace.
   */
  lastEvent<T extends RunEvent['type']>(runId: string, type: T): Extract<RunEvent, { type: T }> | null {
    const row = this.db
      .prepare('SELECT body FROM run_events WHERE run_id = ? AND type = ? ORDER BY seq DESC LIMIT 1')
      .get(runId, type) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Extract<RunEvent, { type: T }>) : null;
  }
}
