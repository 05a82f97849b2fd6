import { createHash, randomUUID } from 'node:crypto';
import { type Author, canonicalJson, GRAPH_SCHEMA_VERSION, type Graph } from '@trellis/shared';
import type { Sql } from './sql.ts';
import { authorFrom, authorNameColumn } from './users.ts';

export interface StoredVersion {
  id: string;
  graphId: string;
  parentId: string | null;
  name: string;
  message: string;
  createdAt: string;
  /** Who saved it first (saving equal content again keeps the first author); null: no account. */
  author: Author | null;
  graph: Graph;
}

export interface StoredGraph {
  id: string;
  name: string;
  headVersionId: string;
  versionCount: number;
  updatedAt: string;
}

interface VersionRow {
  id: string;
  graph_id: string;
  parent_id: string | null;
  name: string;
  message: string;
  body: string;
  created_at: string;
  author: string | null;
  author_name: string | null;
}

const VERSION_COLUMNS = `graph_versions.*, ${authorNameColumn('graph_versions')}`;

/** A version id is the hash of the graph's canonical JSON: equal graphs are one version. */
export function versionIdOf(graph: Graph): string {
  return `gv_${createHash('sha256').update(canonicalJson(graph)).digest('hex').slice(0, 24)}`;
}

function fromRow(row: VersionRow): StoredVersion {
  return {
    id: row.id,
    graphId: row.graph_id,
    parentId: row.parent_id,
    name: row.name,
    message: row.message,
    createdAt: row.created_at,
    author: authorFrom(row),
    graph: JSON.parse(row.body) as Graph,
  };
}

/** Graph lineages and their immutable, content-addressed versions. */
export class GraphRepo {
  constructor(private readonly sql: Sql) {}

  /**
   * Saves a version. Saving content that already exists returns the existing version (and makes it the head of
   * its graph again), so re-saving never forks history.
   */
  async save(input: {
    graph: Graph;
    message: string;
    graphId?: string;
    parentId?: string | null;
    /** Leave the graph's head where it is (a fork's edited graph is not what the editor should open). */
    keepHead?: boolean;
    /** The user saving it; null or absent: no account (single-user mode). */
    author?: string | null;
  }): Promise<StoredVersion> {
    const id = versionIdOf(input.graph);
    const now = new Date().toISOString();
    return this.sql.transaction(async (tx) => {
      // SQLite runs one writing transaction at a time; PostgreSQL would let two saves of the same content both
      // find no version and both insert it. Saves of one version take turns instead.
      if (tx.dialect === 'postgres') await tx.get('SELECT pg_advisory_xact_lock(hashtext(?))', [id]);
      const existing = await this.getVersion(id);
      if (existing) {
        if (input.keepHead) return existing;
        await tx.run('UPDATE graphs SET head_version_id = ?, updated_at = ? WHERE id = ?', [
          id,
          now,
          existing.graphId,
        ]);
        return existing;
      }
      let graphId = input.graphId;
      if (graphId && !(await this.getGraph(graphId))) throw new Error(`graph '${graphId}' does not exist`);
      if (!graphId) {
        graphId = `g_${randomUUID().slice(0, 8)}`;
        await tx.run(
          'INSERT INTO graphs (id, name, head_version_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)',
          [graphId, input.graph.name, id, now, now],
        );
      }
      const parentId =
        input.parentId === undefined
          ? ((await this.getGraph(graphId))?.headVersionId ?? null)
          : input.parentId;
      await tx.run(
        `INSERT INTO graph_versions (id, graph_id, parent_id, name, message, schema_version, body, created_at, author)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          id,
          graphId,
          parentId === id ? null : parentId,
          input.graph.name,
          input.message,
          GRAPH_SCHEMA_VERSION,
          JSON.stringify(input.graph),
          now,
          input.author ?? null,
        ],
      );
      if (!input.keepHead) {
        await tx.run('UPDATE graphs SET head_version_id = ?, name = ?, updated_at = ? WHERE id = ?', [
          id,
          input.graph.name,
          now,
          graphId,
        ]);
      }
      return (await this.getVersion(id))!;
    });
  }

  async getVersion(id: string): Promise<StoredVersion | null> {
    const row = await this.sql.get<VersionRow>(`SELECT ${VERSION_COLUMNS} FROM graph_versions WHERE id = ?`, [
      id,
    ]);
    return row ? fromRow(row) : null;
  }

  async versions(graphId: string): Promise<StoredVersion[]> {
    const rows = await this.sql.all<VersionRow>(
      `SELECT ${VERSION_COLUMNS} FROM graph_versions WHERE graph_id = ? ORDER BY created_at DESC, rowid DESC`,
      [graphId],
    );
    return rows.map(fromRow);
  }

  async getGraph(id: string): Promise<StoredGraph | null> {
    return (await this.list()).find((g) => g.id === id) ?? null;
  }

  /** Points a graph's head at an earlier version (restore). */
  async setHead(graphId: string, versionId: string): Promise<void> {
    await this.sql.run('UPDATE graphs SET head_version_id = ?, updated_at = ? WHERE id = ?', [
      versionId,
      new Date().toISOString(),
      graphId,
    ]);
  }

  async list(): Promise<StoredGraph[]> {
    const rows = await this.sql.all<{
      id: string;
      name: string;
      head_version_id: string;
      updated_at: string;
      version_count: number;
    }>(
      `SELECT g.id, g.name, g.head_version_id, g.updated_at, COUNT(v.id) AS version_count
       FROM graphs g LEFT JOIN graph_versions v ON v.graph_id = g.id
       GROUP BY g.id ORDER BY g.updated_at DESC`,
    );
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      headVersionId: row.head_version_id,
      versionCount: row.version_count,
      updatedAt: row.updated_at,
    }));
  }
}
