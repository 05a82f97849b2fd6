import { randomUUID } from 'node:crypto';
import {
  DEFAULT_TIMEOUTS,
  type Endpoint,
  type EndpointId,
  type EndpointTimeouts,
  type SamplingParams,
  type ServerKind,
} from '@trellis/shared';
import type { Sql } from './sql.ts';

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

/**
 * Names compare without regard to ASCII case. SQLite's NOCASE folds ASCII letters only and orders by bytes;
 * PostgreSQL's `lower` folds every letter, and collation "C" orders by bytes.
 */
const BY_NAME = {
  sqlite: {
    list: 'SELECT * FROM endpoints ORDER BY name COLLATE NOCASE',
    getByName: 'SELECT * FROM endpoints WHERE name = ? COLLATE NOCASE',
  },
  postgres: {
    list: 'SELECT * FROM endpoints ORDER BY lower(name) COLLATE "C"',
    getByName: 'SELECT * FROM endpoints WHERE lower(name) = lower(?)',
  },
} as const;

/** The endpoint registry in the store. */
export class EndpointRepo {
  constructor(private readonly sql: Sql) {}

  async list(): Promise<EndpointRecord[]> {
    return (await this.sql.all<Row>(BY_NAME[this.sql.dialect].list)).map(fromRow);
  }

  async get(id: string): Promise<EndpointRecord | null> {
    const row = await this.sql.get<Row>('SELECT * FROM endpoints WHERE id = ?', [id]);
    return row ? fromRow(row) : null;
  }

  async getByName(name: string): Promise<EndpointRecord | null> {
    const row = await this.sql.get<Row>(BY_NAME[this.sql.dialect].getByName, [name]);
    return row ? fromRow(row) : null;
  }

  async create(fields: EndpointFields): Promise<EndpointRecord> {
    const now = new Date().toISOString();
    const id = randomUUID() as EndpointId;
    await this.sql.run(
      `INSERT INTO endpoints (name, base_url, kind, api_key, default_model, default_params, timeouts, source,
         updated_at, id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [...columns(fields), now, id, now],
    );
    return (await this.get(id))!;
  }

  async update(id: string, fields: EndpointFields): Promise<EndpointRecord> {
    await this.sql.run(
      `UPDATE endpoints SET name = ?, base_url = ?, kind = ?, api_key = ?, default_model = ?, default_params = ?,
         timeouts = ?, source = ?, updated_at = ? WHERE id = ?`,
      [...columns(fields), new Date().toISOString(), id],
    );
    return (await this.get(id))!;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.sql.run('DELETE FROM endpoints WHERE id = ?', [id])) > 0;
  }
}
