import type {
  Allocation,
  Author,
  RateWithInterval,
  SearchMethod,
  SearchStatus,
  SearchTrial,
  TrialStatus,
} from '@trellis/shared';
import type { Sql } from './sql.ts';
import { authorFrom, authorNameColumn } from './users.ts';

export interface StoredSearch {
  id: string;
  name: string;
  status: SearchStatus;
  stopReason: string | null;
  method: SearchMethod;
  graphVersionId: string;
  request: Record<string, unknown>;
  lessons: { round: number; text: string }[];
  confirmationExperimentId: string | null;
  createdAt: string;
  /** Who created it (its experiments and runs carry the same author); null: no account. */
  author: Author | null;
  finishedAt: string | null;
}

export type StoredTrial = SearchTrial;

interface SearchRow {
  id: string;
  name: string;
  status: string;
  stop_reason: string | null;
  method: string;
  graph_version_id: string;
  request: string;
  lessons: string;
  confirmation_experiment_id: string | null;
  created_at: string;
  finished_at: string | null;
  author: string | null;
  author_name: string | null;
}

const SEARCH_COLUMNS = `searches.*, ${authorNameColumn('searches')}`;

interface TrialRow {
  idx: number;
  round: number;
  allocation: string;
  key: string;
  status: string;
  reason: string | null;
  rationale: string | null;
  experiment_id: string | null;
  graph_version_id: string | null;
  reused_from: number | null;
  declared_cost: number | null;
  score: string | null;
  compute: number | null;
  tokens: number | null;
}

/** Where a search's request names its evaluation: the key reuse compares. */
const EVALUATION = {
  sqlite: "json_extract(s.request, '$.evaluation')",
  postgres: "(s.request::jsonb ->> 'evaluation')",
};

function searchOf(row: SearchRow): StoredSearch {
  return {
    id: row.id,
    name: row.name,
    status: row.status as SearchStatus,
    stopReason: row.stop_reason,
    method: row.method as SearchMethod,
    graphVersionId: row.graph_version_id,
    request: JSON.parse(row.request) as Record<string, unknown>,
    lessons: JSON.parse(row.lessons) as StoredSearch['lessons'],
    confirmationExperimentId: row.confirmation_experiment_id,
    createdAt: row.created_at,
    author: authorFrom(row),
    finishedAt: row.finished_at,
  };
}

function trialOf(row: TrialRow): StoredTrial {
  return {
    index: row.idx,
    round: row.round,
    allocation: JSON.parse(row.allocation) as Allocation,
    key: row.key,
    status: row.status as TrialStatus,
    reason: row.reason,
    rationale: row.rationale,
    experimentId: row.experiment_id,
    graphVersionId: row.graph_version_id,
    reusedFrom: row.reused_from,
    declaredCost: row.declared_cost,
    score: row.score ? (JSON.parse(row.score) as RateWithInterval) : null,
    compute: row.compute,
    tokens: row.tokens,
  };
}

/** Allocation searches and their trials (each an experiment on the dev split, or a refused proposal). */
export class SearchRepo {
  constructor(private readonly sql: Sql) {}

  async create(
    search: Omit<
      StoredSearch,
      'status' | 'stopReason' | 'lessons' | 'confirmationExperimentId' | 'createdAt' | 'finishedAt' | 'author'
    > & { author?: string | null },
  ): Promise<void> {
    await this.sql.run(
      `INSERT INTO searches (id, name, status, method, graph_version_id, request, created_at, author)
       VALUES (?, ?, 'running', ?, ?, ?, ?, ?)`,
      [
        search.id,
        search.name,
        search.method,
        search.graphVersionId,
        JSON.stringify(search.request),
        new Date().toISOString(),
        search.author ?? null,
      ],
    );
  }

  async get(id: string): Promise<StoredSearch | null> {
    const row = await this.sql.get<SearchRow>(`SELECT ${SEARCH_COLUMNS} FROM searches WHERE id = ?`, [id]);
    return row ? searchOf(row) : null;
  }

  async list(limit = 200): Promise<StoredSearch[]> {
    const rows = await this.sql.all<SearchRow>(
      `SELECT ${SEARCH_COLUMNS} FROM searches ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      [limit],
    );
    return rows.map(searchOf);
  }

  async runningIds(): Promise<string[]> {
    const rows = await this.sql.all<{ id: string }>(
      "SELECT id FROM searches WHERE status = 'running' ORDER BY created_at",
    );
    return rows.map((row) => row.id);
  }

  async trials(id: string): Promise<StoredTrial[]> {
    const rows = await this.sql.all<TrialRow>(
      'SELECT * FROM search_trials WHERE search_id = ? ORDER BY idx',
      [id],
    );
    return rows.map(trialOf);
  }

  /** A finished trial of the same allocation, graph version and evaluation, from any search. */
  async findDone(key: string, graphVersionId: string, evaluation: string): Promise<StoredTrial | null> {
    const row = await this.sql.get<TrialRow>(
      `SELECT t.* FROM search_trials t JOIN searches s ON s.id = t.search_id
       WHERE t.key = ? AND s.graph_version_id = ? AND t.status = 'done'
         AND ${EVALUATION[this.sql.dialect]} = ?
       ORDER BY s.created_at LIMIT 1`,
      [key, graphVersionId, evaluation],
    );
    return row ? trialOf(row) : null;
  }

  async addTrial(id: string, trial: StoredTrial): Promise<void> {
    await this.sql.run(
      `INSERT INTO search_trials (search_id, idx, round, allocation, key, status, reason, rationale, experiment_id,
         graph_version_id, reused_from, declared_cost, score, compute, tokens)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        id,
        trial.index,
        trial.round,
        JSON.stringify(trial.allocation),
        trial.key,
        trial.status,
        trial.reason,
        trial.rationale,
        trial.experimentId,
        trial.graphVersionId,
        trial.reusedFrom,
        trial.declaredCost,
        trial.score ? JSON.stringify(trial.score) : null,
        trial.compute,
        trial.tokens,
      ],
    );
  }

  async updateTrial(
    id: string,
    index: number,
    fields: Pick<StoredTrial, 'status' | 'score' | 'compute' | 'tokens' | 'reason'>,
  ): Promise<void> {
    await this.sql.run(
      `UPDATE search_trials SET status = ?, score = ?, compute = ?, tokens = ?, reason = ?
       WHERE search_id = ? AND idx = ?`,
      [
        fields.status,
        fields.score ? JSON.stringify(fields.score) : null,
        fields.compute,
        fields.tokens,
        fields.reason,
        id,
        index,
      ],
    );
  }

  async setLessons(id: string, lessons: StoredSearch['lessons']): Promise<void> {
    await this.sql.run('UPDATE searches SET lessons = ? WHERE id = ?', [JSON.stringify(lessons), id]);
  }

  async setConfirmation(id: string, experimentId: string): Promise<void> {
    await this.sql.run('UPDATE searches SET confirmation_experiment_id = ? WHERE id = ?', [experimentId, id]);
  }

  async setStatus(id: string, status: SearchStatus, stopReason: string | null = null): Promise<void> {
    const finished = status === 'running' ? null : new Date().toISOString();
    await this.sql.run('UPDATE searches SET status = ?, stop_reason = ?, finished_at = ? WHERE id = ?', [
      status,
      stopReason,
      finished,
      id,
    ]);
  }
}
