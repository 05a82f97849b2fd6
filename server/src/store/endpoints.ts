import { randomUUID } from 'node:crypto';
import {
  DEFAULT_TIMEOUTS,
  type Endpoint,
  type EndpointId,
  type EndpointTimeouts,
  type SamplingParams,
  type ServerKind,
} from '@trellis/shared';
import type { Db } from './db.ts';

/** What the server needs to call an endpoint, key included. Never sent to the browser. */
export interface EndpointSecret {
  id: EndpointId;
  name: string;
  baseUrl: string;
  kind: ServerKind;
  apiKey: string | null;
  defaultModel: string | null;
  defaultParams: SamplingParams;
  timeouts: EndpointTimeouts;
}

export interface EndpointRecord extends EndpointSecret {
  source: 'store' | 'config';
  createdAt: string;
  updatedAt: string;
}

interface Row {
  id: string;
  name: string;
  base_url: string;
  kind: string;
  api_key: string | null;
  default_model: string | null;
  default_params: string;
  timeouts: string;
  source: string;
  created_at: string;
  updated_at: string;
}

function fromRow(row: Row): EndpointRecord {
  return {
    id: row.id as EndpointId,
    name: row.name,
    baseUrl: row.base_url,
    kind: row.kind as ServerKind,
    apiKey: row.api_key,
    defaultModel: row.default_model,
    defaultParams: JSON.parse(row.default_params) as SamplingParams,
    timeouts: { ...DEFAULT_TIMEOUTS, ...(JSON.parse(row.timeouts) as Partial<EndpointTimeouts>) },
    source: row.source === 'config' ? 'config' : 'store',
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The masked form of a key: enough to recognise it, never enough to use it. */
export function maskKey(key: string | null): string | null {
  if (!key) return null;
  return key.length <= 8 ? '••••' : `••••${key.slice(-4)}`;
}

export function toPublic(record: EndpointRecord): Endpoint {
  return {
    id: record.id,
    name: record.name,
    baseUrl: record.baseUrl,
    kind: record.kind,
    hasApiKey: record.apiKey !== null && record.apiKey !== '',
    apiKeyPreview: maskKey(record.apiKey),
    defaultModel: record.defaultModel,
    defaultParams: record.defaultParams,
    timeouts: record.timeouts,
    source: record.source,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export type EndpointFields = Omit<EndpointSecret, 'id'> & { source?: 'store' | 'config' };

/** The column values of an endpoint, in the order both INSERT and UPDATE list them. */
function columns(fields: EndpointFields): (string | null)[] {
  return [
    fields.name,
    fields.baseUrl,
    fields.kind,
    fields.apiKey || null,
    fields.defaultModel,
    JSON.stringify(fields.defaultParams),
    JSON.stringify(fields.timeouts),
    fields.source ?? 'store',
  ];
}

/** The endpoint registry in SQLite. */
export class EndpointRepo {
  // Prepared once: every model request looks its endpoint up, and preparing costs more than the query.
  private readonly byId;

  constructor(private readonly db: Db) {
    this.byId = db.prepare('SELECT * FROM endpoints WHERE id = ?');
  }

  list(): EndpointRecord[] {
    return (this.db.prepare('SELECT * FROM endpoints ORDER BY name COLLATE NOCASE').all() as Row[]).map(
      fromRow,
    );
  }

  get(id: string): EndpointRecord | null {
    const row = this.byId.get(id) as Row | undefined;
    return row ? fromRow(row) : null;
  }

  getByName(name: string): EndpointRecord | null {
    const row = this.db.prepare('SELECT * FROM endpoints WHERE name = ? COLLATE NOCASE').get(name) as
      | Row
      | undefined;
    return row ? fromRow(row) : null;
  }

  create(fields: EndpointFields): EndpointRecord {
    const now = new Date().toISOString();
    const id = randomUUID() as EndpointId;
    this.db
      .prepare(
        `INSERT INTO endpoints (name, base_url, kind, api_key, default_model, default_params, timeouts, source,
           updated_at, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(...columns(fields), now, id, now);
    return this.get(id)!;
  }

  update(id: string, fields: EndpointFields): EndpointRecord {
    this.db
      .prepare(
        `UPDATE endpoints SET name = ?, base_url = ?, kind = ?, api_key = ?, default_model = ?, default_params = ?,
           timeouts = ?, source = ?, updated_at = ? WHERE id = ?`,
      )
      .run(...columns(fields), new Date().toISOString(), id);
    return this.get(id)!;
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM endpoints WHERE id = ?').run(id).changes > 0;
  }
}
