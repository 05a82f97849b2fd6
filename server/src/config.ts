import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AuthMode,
  describeZodError,
  EndpointInput,
  type EndpointInputParsed,
  Password,
} from '@trellis/shared';
import { z } from 'zod';

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(serverDir, '..');

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** Required when binding anything but loopback in single-user mode. */
  accessToken: string | null;
  /**
   * `accounts` (TRELLIS_AUTH=accounts): people sign in, scripts use API tokens, roles decide what each may do.
   * Absent or `single-user`: no accounts, as on a workstation.
   */
  auth?: AuthMode;
  /** The first admin's password (TRELLIS_ADMIN_PASSWORD), used at start-up while there are no users. */
  adminPassword?: string | null;
  /** TRELLIS_ACCESS_TOKEN was set but is not used, accounts being on (start-up says so). */
  accessTokenIgnored?: boolean;
  /** Endpoints declared at start-up (TRELLIS_ENDPOINTS or the config file). */
  endpoints: EndpointInputParsed[];
  /** Probe the usual local inference ports at start and on demand. */
  discovery: boolean;
  /** The built web app (TRELLIS_WEB_DIST, default web/dist); served at / when present. */
  webDist: string;
  /** Where runs' spans are exported (OTLP over HTTP); absent or null: no export. */
  otlp?: OtlpConfig | null;
  /** Runs executing at once (TRELLIS_MAX_RUNS); more wait in the queue. Absent: the run manager's default. */
  maxConcurrentRuns?: number;
  /** Model requests in flight per endpoint, across all runs (TRELLIS_ENDPOINT_REQUESTS). Absent: the default. */
  perEndpointRequests?: number;
  /** A PostgreSQL URL (TRELLIS_DATABASE_URL) for a team server; absent or null: SQLite in the data directory. */
  databaseUrl?: string | null;
  /**
   * Where runs execute (TRELLIS_EXECUTION): `local`, in this process (the default), or `workers`, queued in the
   * team database for `trellis worker` processes. `workers` needs TRELLIS_DATABASE_URL.
   */
  execution?: 'local' | 'workers';
}

/** Where the store lives: the PostgreSQL URL when one is set, else `trellis.db` in the data directory. */
export function storeLocation(config: Config): string {
  return config.databaseUrl ?? path.join(config.dataDir, 'trellis.db');
}

function loadExecution(env: NodeJS.ProcessEnv, databaseUrl: string | null): 'local' | 'workers' {
  const text = env.TRELLIS_EXECUTION?.trim() || 'local';
  if (text !== 'local' && text !== 'workers') {
    throw new ConfigError(`TRELLIS_EXECUTION must be local or workers, got '${text}'`);
  }
  if (text === 'workers' && !databaseUrl) {
    throw new ConfigError(
      'TRELLIS_EXECUTION=workers queues runs in the team database: set TRELLIS_DATABASE_URL to a PostgreSQL URL',
    );
  }
  return text;
}

function loadDatabaseUrl(env: NodeJS.ProcessEnv): string | null {
  const text = env.TRELLIS_DATABASE_URL?.trim();
  if (!text) return null;
  let url: URL | null = null;
  try {
    url = new URL(text);
  } catch {
    // Named below without its text, which holds a password.
  }
  if (!url || (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')) {
    throw new ConfigError(
      'TRELLIS_DATABASE_URL must be a PostgreSQL URL such as postgres://trellis:secret@db:5432/trellis',
    );
  }
  return text;
}

function loadAuth(env: NodeJS.ProcessEnv): { auth: AuthMode; adminPassword: string | null } {
  const text = env.TRELLIS_AUTH?.trim() || 'single-user';
  const auth = AuthMode.safeParse(text);
  if (!auth.success) {
    throw new ConfigError(`TRELLIS_AUTH must be ${AuthMode.options.join(' or ')}, got '${text}'`);
  }
  const adminPassword = env.TRELLIS_ADMIN_PASSWORD || null;
  if (adminPassword !== null) {
    if (auth.data !== 'accounts') {
      throw new ConfigError('TRELLIS_ADMIN_PASSWORD is only used with TRELLIS_AUTH=accounts');
    }
    const checked = Password.safeParse(adminPassword);
    if (!checked.success) {
      // The message names the rule, never the value.
      throw new ConfigError(
        `TRELLIS_ADMIN_PASSWORD: ${checked.error.issues[0]?.message ?? 'not a valid password'}`,
      );
    }
  }
  return { auth: auth.data, adminPassword };
}

function positiveSetting(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 4096) {
    throw new ConfigError(`${name} must be a whole number from 1 to 4096, got '${text}'`);
  }
  return value;
}

/** OpenTelemetry export of runs' traces. */
export interface OtlpConfig {
  /** The collector's traces URL, `/v1/traces` included. */
  endpoint: string;
  /** Sent with every export (a collector's credentials); never written into a span. */
  headers: Record<string, string>;
  /** Prompts, replies, code and observations in the spans (off: only names, ids, counts and timings). */
  content: boolean;
  serviceName: string;
}

const ConfigFile = z
  .object({
    host: z.string().optional(),
    port: z.number().int().min(0).max(65535).optional(),
    dataDir: z.string().optional(),
    discovery: z.boolean().optional(),
    endpoints: z.array(EndpointInput).optional(),
  })
  .strict();

export class ConfigError extends Error {}

function parseEndpointList(text: string, origin: string): EndpointInputParsed[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  let raw: unknown;
  if (trimmed.startsWith('[')) {
    try {
      raw = JSON.parse(trimmed);
    } catch (error) {
      throw new ConfigError(`${origin} is not valid JSON: ${(error as Error).message}`);
    }
  } else {
    // Short form: "name=url,name2=url2" (the model is discovered from the server).
    raw = trimmed.split(',').map((entry) => {
      const eq = entry.indexOf('=');
      if (eq <= 0) throw new ConfigError(`${origin}: expected name=url, got '${entry}'`);
      return { name: entry.slice(0, eq).trim(), baseUrl: entry.slice(eq + 1).trim() };
    });
  }
  const parsed = z.array(EndpointInput).safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${origin}: ${describeZodError(parsed.error)}`);
  return parsed.data;
}

/** `k=v,k2=v2`, values percent-decoded as OTEL_EXPORTER_OTLP_HEADERS has them. Errors never echo a value. */
function parseHeaderList(text: string, origin: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const entries = text.split(',').filter((entry) => entry.trim() !== '');
  for (const [index, entry] of entries.entries()) {
    const eq = entry.indexOf('=');
    const name = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new ConfigError(`${origin}: entry ${index + 1} is not name=value`);
    }
    let value = entry.slice(eq + 1).trim();
    try {
      value = decodeURIComponent(value);
    } catch {
      throw new ConfigError(`${origin}: the value of '${name}' is not valid percent-encoding`);
    }
    headers[name] = value;
  }
  return headers;
}

/**
 * Trace export: TRELLIS_OTLP_ENDPOINT, else the standard OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, else
 * OTEL_EXPORTER_OTLP_ENDPOINT with `/v1/traces` appended (as the OpenTelemetry SDKs do). Null when none is set.
 */
function loadOtlp(env: NodeJS.ProcessEnv): OtlpConfig | null {
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const [origin, endpoint] = env.TRELLIS_OTLP_ENDPOINT?.trim()
    ? ['TRELLIS_OTLP_ENDPOINT', env.TRELLIS_OTLP_ENDPOINT.trim()]
    : env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
      ? ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT.trim()]
      : ['OTEL_EXPORTER_OTLP_ENDPOINT', base ? `${base.replace(/\/+$/, '')}/v1/traces` : ''];
  if (!endpoint || env.OTEL_SDK_DISABLED === 'true') return null;
  let url: URL | null = null;
  try {
    url = new URL(endpoint);
  } catch {
    // Named below without its text, which may hold a token pasted by mistake.
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ConfigError(`${origin} must be an http(s) URL such as http://collector:4318/v1/traces`);
  }
  if (url.username || url.password) {
    throw new ConfigError(`${origin} carries credentials; send them as a header in TRELLIS_OTLP_HEADERS`);
  }
  return {
    endpoint: url.href,
    // The standard variables first, so that Trellis's own wins a name both set.
    headers: {
      ...parseHeaderList(env.OTEL_EXPORTER_OTLP_HEADERS ?? '', 'OTEL_EXPORTER_OTLP_HEADERS'),
      ...parseHeaderList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? '', 'OTEL_EXPORTER_OTLP_TRACES_HEADERS'),
      ...parseHeaderList(env.TRELLIS_OTLP_HEADERS ?? '', 'TRELLIS_OTLP_HEADERS'),
    },
    content: env.TRELLIS_OTLP_CONTENT === '1',
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'trellis',
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Reads configuration from the environment and an optional JSON file (TRELLIS_CONFIG). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  let file: z.infer<typeof ConfigFile> = {};
  const configPath = env.TRELLIS_CONFIG;
  if (configPath) {
    let text: string;
    try {
      text = fs.readFileSync(configPath, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read TRELLIS_CONFIG ${configPath}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new ConfigError(`TRELLIS_CONFIG ${configPath} is not valid JSON: ${(error as Error).message}`);
    }
    const parsed = ConfigFile.safeParse(json);
    if (!parsed.success)
      throw new ConfigError(`TRELLIS_CONFIG ${configPath}: ${describeZodError(parsed.error)}`);
    file = parsed.data;
  }
  const host = env.TRELLIS_HOST ?? file.host ?? '127.0.0.1';
  const portText = env.TRELLIS_PORT ?? env.PORT;
  const port = portText !== undefined ? Number(portText) : (file.port ?? 4317);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`TRELLIS_PORT must be a port number, got '${portText}'`);
  }
  const { auth, adminPassword } = loadAuth(env);
  // With accounts, people sign in and scripts send their own API tokens (as Bearer, where the shared token went).
  const givenToken = env.TRELLIS_ACCESS_TOKEN?.trim() || null;
  const accessToken = auth === 'accounts' ? null : givenToken;
  if (!isLoopback(host) && !accessToken && auth !== 'accounts') {
    throw new ConfigError(
      `binding ${host} exposes Trellis beyond this machine; set TRELLIS_AUTH=accounts, or TRELLIS_ACCESS_TOKEN to a secret, to allow it`,
    );
  }
  const endpoints = [
    ...(file.endpoints ?? []),
    ...parseEndpointList(env.TRELLIS_ENDPOINTS ?? '', 'TRELLIS_ENDPOINTS'),
  ];
  return {
    host,
    port,
    dataDir: path.resolve(env.TRELLIS_DATA_DIR ?? file.dataDir ?? path.join(repoRoot, 'data')),
    accessToken,
    auth,
    adminPassword,
    ...(auth === 'accounts' && givenToken ? { accessTokenIgnored: true } : {}),
    endpoints,
    discovery: env.TRELLIS_DISCOVERY !== undefined ? env.TRELLIS_DISCOVERY !== '0' : (file.discovery ?? true),
    webDist: path.resolve(env.TRELLIS_WEB_DIST ?? path.join(repoRoot, 'web', 'dist')),
    otlp: loadOtlp(env),
    ...team(env),
    ...optional('maxConcurrentRuns', positiveSetting(env, 'TRELLIS_MAX_RUNS')),
    ...optional('perEndpointRequests', positiveSetting(env, 'TRELLIS_ENDPOINT_REQUESTS')),
  };
}

function team(env: NodeJS.ProcessEnv): Pick<Config, 'databaseUrl' | 'execution'> {
  const databaseUrl = loadDatabaseUrl(env);
  return { databaseUrl, execution: loadExecution(env, databaseUrl) };
}

function optional<K extends string>(key: K, value: number | undefined): { [P in K]?: number } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: number };
}
