import type {
  ForkEdit,
  ForkFinding,
  LineageNode,
  NodeOverride,
  RunLineage,
  RunStatus,
} from '@trellis/shared';
import type { Sql } from './sql.ts';

interface LineageRow {
  run_id: string;
  parent_run_id: string;
  fork_step: number;
  edit: string;
  findings: string;
  rescue_id: string | null;
  created_at: string;
}

interface TreeRow {
  id: string;
  task_id: string;
  status: string;
  success: number | null;
  graph_version_id: string;
  created_at: string;
  parent_run_id: string | null;
  fork_step: number | null;
  edit: string | null;
}

/** How a run was started: what `POST /api/runs` (or a fork) asked for, as the runs table keeps it. */
export interface StoredRunRequest {
  taskId: string;
  endpointId: string | null;
  model: string | null;
  overrides: Record<string, NodeOverride>;
}

function fromRow(row: LineageRow): RunLineage {
  return {
    runId: row.run_id,
    parentRunId: row.parent_run_id,
    forkStep: row.fork_step,
    edit: JSON.parse(row.edit) as ForkEdit,
    findings: JSON.parse(row.findings) as ForkFinding[],
    rescueId: row.rescue_id,
    createdAt: row.created_at,
  };
}

/** Where forked runs came from: parent run, fork step, the edit. Parents are never written to. */
export class LineageRepo {
  constructor(private readonly sql: Sql) {}

  async insert(lineage: {
    runId: string;
    parentRunId: string;
    forkStep: number;
    edit: ForkEdit;
    rescueId: string | null;
  }): Promise<RunLineage> {
    await this.sql.run(
      `INSERT INTO run_lineage (run_id, parent_run_id, fork_step, edit, findings, rescue_id, created_at)
       VALUES (?, ?, ?, ?, '[]', ?, ?)`,
      [
        lineage.runId,
        lineage.parentRunId,
        lineage.forkStep,
        JSON.stringify(lineage.edit),
        lineage.rescueId,
        new Date().toISOString(),
      ],
    );
    return this.get(lineage.runId);
  }

  /** A run's lineage; a run that is no fork has no parent. */
  async get(runId: string): Promise<RunLineage> {
    const row = await this.sql.get<LineageRow>('SELECT * FROM run_lineage WHERE run_id = ?', [runId]);
    if (row) return fromRow(row);
    return {
      runId,
      parentRunId: null,
      forkStep: null,
      edit: null,
      findings: [],
      rescueId: null,
      createdAt: null,
    };
  }

  async setFindings(runId: string, findings: ForkFinding[]): Promise<void> {
    await this.sql.run('UPDATE run_lineage SET findings = ? WHERE run_id = ?', [
      JSON.stringify(findings),
      runId,
    ]);
  }

  /** The request a run was started with. */
  async runRequest(runId: string): Promise<StoredRunRequest | null> {
    const row = await this.sql.get<{ request: string }>('SELECT request FROM runs WHERE id = ?', [runId]);
    if (!row) return null;
    const request = JSON.parse(row.request) as Partial<StoredRunRequest>;
    return {
      taskId: request.taskId ?? '',
      endpointId: request.endpointId ?? null,
      model: request.model ?? null,
      overrides: request.overrides ?? {},
    };
  }

  /** The tree of forks a run belongs to, from the root it descends from. */
  async tree(runId: string): Promise<LineageNode | null> {
    // The CAST gives the parameter a type PostgreSQL can carry through the recursion.
    const root = (
      await this.sql.get<{ id: string }>(
        `WITH RECURSIVE up(id, depth) AS (
           SELECT CAST(? AS TEXT), 0
           UNION ALL
           SELECT l.parent_run_id, up.depth + 1 FROM run_lineage l JOIN up ON l.run_id = up.id
         )
         SELECT id FROM up ORDER BY depth DESC LIMIT 1`,
        [runId],
      )
    )?.id;
    if (!root) return null;
    const rows = await this.sql.all<TreeRow>(
      `WITH RECURSIVE down(id) AS (
         SELECT CAST(? AS TEXT)
         UNION ALL
         SELECT l.run_id FROM run_lineage l JOIN down ON l.parent_run_id = down.id
       )
       SELECT r.id, r.task_id, r.status, r.success, r.graph_version_id, r.created_at,
              l.parent_run_id, l.fork_step, l.edit
       FROM down JOIN runs r ON r.id = down.id LEFT JOIN run_lineage l ON l.run_id = r.id
       ORDER BY r.created_at, r.rowid`,
      [root],
    );
    const nodes = new Map<string, LineageNode>();
    for (const row of rows) {
      nodes.set(row.id, {
        runId: row.id,
        taskId: row.task_id,
        status: row.status as RunStatus,
        success: row.success === null ? null : row.success === 1,
        graphVersionId: row.graph_version_id,
        createdAt: row.created_at,
        parentRunId: row.parent_run_id,
        forkStep: row.fork_step,
        summary: row.edit ? (JSON.parse(row.edit) as ForkEdit).summary : [],
        children: [],
      });
    }
    for (const node of nodes.values()) {
      if (node.parentRunId) nodes.get(node.parentRunId)?.children.push(node);
    }
    return nodes.get(root) ?? null;
  }
}
