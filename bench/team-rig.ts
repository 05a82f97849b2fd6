import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openPostgres } from '../server/src/store/postgres.ts';
import { type PostgresCluster, startPostgresCluster } from '../server/src/testing/postgres-cluster.ts';
import { pythonBlock, SYSTEM_MARKERS } from '../server/src/testing/run.ts';
import { startTeamWeb, startTeamWorker, type TeamProcess } from '../server/src/testing/team.ts';
import { type Graph, preset, type RunEvent, type RunSummary } from '../shared/src/index.ts';
import { SseParser } from '../shared/src/sse.ts';
import { startUpstream, type Upstream } from './experiment-upstream.ts';
import { postmasterPid } from './proc-cpu.ts';
import { type RunningServer, startTrellis } from './server.ts';

/**
 * The processes of the team benchmarks: a throwaway PostgreSQL cluster, the scripted test server in its own
 * process, a team web server with `trellis worker` processes, and an embedded server (SQLite, runs in the web
 * server) beside them, all on this machine. Every temporary file of this process and its children goes under one
 * directory (TMPDIR), removed at the end.
 */

const MODEL = 'team-bench';
/** The model's known latency: the first token after this long, then one token every PACE_MS. */
export const FIRST_TOKEN_MS = 100;
export const PACE_MS = 10;
/** The agent's reply at every step: a few tokens of prose and one short code block, so each step executes code. */
export const AGENT_REPLY = pythonBlock(
  'print("checked")',
  'I will look at the notes app first, then decide.',
);
export const TASK_ID = 'notes_pin_1';

export const loadAverage = () =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' / ');

/** The middle value, or the mean of the two middle values of an even count. */
export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[half]! : (sorted[half - 1]! + sorted[half]!) / 2;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** What is started is stopped in the reverse order, at the end or on SIGINT/SIGTERM. */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];

  add(step: () => unknown): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (error) {
        console.error(`cleaning up: ${(error as Error).message}`);
      }
    }
  }
}

/** A fresh directory for every temporary file of this run, this process's and its children's. */
export function benchTempDir(cleanup: Cleanup): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-team-'));
  // The cluster runs as the `postgres` account when this runs as root: it must reach its folder inside.
  fs.chmodSync(dir, 0o755);
  process.env.TMPDIR = dir;
  cleanup.add(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function startCluster(cleanup: Cleanup): Promise<PostgresCluster> {
  const cluster = await startPostgresCluster();
  cleanup.add(() => cluster.stop());
  return cluster;
}

/** Creates a database on the cluster; resolves to its URL. */
export async function createDatabase(cluster: PostgresCluster, name: string): Promise<string> {
  const admin = openPostgres(cluster.adminUrl, { max: 1 });
  try {
    await admin.exec(`CREATE DATABASE ${name}`);
  } finally {
    await admin.close();
  }
  const url = new URL(cluster.adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** The scripted test server, answering every agent request with AGENT_REPLY at the known latency. */
export async function startModel(cleanup: Cleanup): Promise<Upstream> {
  const upstream = await startUpstream([MODEL]);
  cleanup.add(() => upstream.close());
  await upstream.script([
    {
      repeat: true,
      match: { system: SYSTEM_MARKERS.agent },
      reply: { content: AGENT_REPLY, firstTokenMs: FIRST_TOKEN_MS, paceMs: PACE_MS },
    },
  ]);
  return upstream;
}

/** A server's HTTP API, as a browser or a script uses it. */
export class Api {
  constructor(readonly base: string) {}

  async json<T>(route: string, init?: RequestInit): Promise<T> {
    const response = await fetch(`${this.base}${route}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...init?.headers },
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${route}: ${response.status} ${text}`);
    return JSON.parse(text) as T;
  }

  /** The declared endpoint's id, once the server has read its model. */
  async endpointId(name: string): Promise<string> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const found =
        await this.json<{ id: string; name: string; defaultModel: string | null }[]>('/endpoints');
      const endpoint = found.find((e) => e.name === name);
      if (endpoint?.defaultModel) return endpoint.id;
      if (Date.now() > deadline) throw new Error(`endpoint '${name}' has no model after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** The ReAct baseline with `steps` steps, saved as a version of its own (its name makes it distinct). */
  async saveGraph(name: string, steps: number): Promise<string> {
    const graph: Graph = {
      ...preset('react-baseline').graph,
      name,
      limits: { maxSteps: steps, tokenBudget: null },
    };
    return (
      await this.json<{ id: string }>('/graphs/versions', { method: 'POST', body: JSON.stringify({ graph }) })
    ).id;
  }

  async startRun(graphVersionId: string, endpointId: string, seed: number): Promise<string> {
    const body = { graphVersionId, taskId: TASK_ID, endpointId, seed };
    return (await this.json<{ id: string }>('/runs', { method: 'POST', body: JSON.stringify(body) })).id;
  }

  /** How many runs of the version are queued or running. */
  async unfinished(graphVersionId: string): Promise<number> {
    let count = 0;
    for (const status of ['queued', 'running']) {
      count += (
        await this.json<{ total: number }>(`/runs?graphVersionId=${graphVersionId}&status=${status}&limit=1`)
      ).total;
    }
    return count;
  }

  async runs(graphVersionId: string): Promise<RunSummary[]> {
    const all: RunSummary[] = [];
    for (let offset = 0; ; offset += 200) {
      const page = await this.json<{ runs: RunSummary[]; total: number }>(
        `/runs?graphVersionId=${graphVersionId}&limit=200&offset=${offset}`,
      );
      all.push(...page.runs);
      if (all.length >= page.total || page.runs.length === 0) return all;
    }
  }
}

/** One event as the SSE client saw it: when it was emitted (`at`) and received, both on this machine's clock. */
export interface Received {
  event: RunEvent;
  receivedAt: number;
}

/**
 * Follows a run's events over SSE (`GET /api/runs/:id/events`, `accept: text/event-stream`) to its `end`, as the
 * run page does. Resolves with the time the response began (events emitted before it are history, not live) and
 * every event with the time its chunk arrived.
 */
export async function followRun(api: Api, runId: string): Promise<{ openedAt: number; events: Received[] }> {
  const response = await fetch(`${api.base}/runs/${runId}/events`, {
    headers: { accept: 'text/event-stream' },
  });
  const openedAt = Date.now();
  if (!response.ok || !response.body) throw new Error(`following ${runId}: ${response.status}`);
  const parser = new SseParser();
  const events: Received[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const chunk = await reader.read();
    if (chunk.done) break;
    const receivedAt = Date.now();
    for (const message of parser.push(chunk.value).messages) {
      if (message.event === 'end') {
        await reader.cancel();
        return { openedAt, events };
      }
      events.push({ event: JSON.parse(message.data) as RunEvent, receivedAt });
    }
  }
  return { openedAt, events };
}

/** A deployment the benchmarks submit runs to: its API and the scripted endpoint's id there. */
export interface Deployment {
  label: string;
  api: Api;
  endpointId: string;
  /** Its processes by part, each with its descendants (sandbox interpreters, database backends) for CPU time. */
  processes(): Record<string, number[]>;
}

/** A team: one web server (runs on workers) and `trellis worker` processes, added and removed as needed. */
export class Team implements Deployment {
  readonly label = 'team';
  private readonly workers: TeamProcess[] = [];

  private constructor(
    readonly api: Api,
    readonly endpointId: string,
    readonly databaseUrl: string,
    private readonly concurrency: number,
    private readonly webPid: number,
    private readonly postgresPid: number,
  ) {}

  static async start(
    cleanup: Cleanup,
    cluster: PostgresCluster,
    url: string,
    model: Upstream,
    concurrency: number,
  ): Promise<Team> {
    const web = await startTeamWeb({ databaseUrl: url, endpoints: `bench=${model.url}` });
    cleanup.add(() => stopProcess(web));
    const api = new Api(web.api);
    const postgres = postmasterPid(Number(new URL(cluster.adminUrl).port));
    const team = new Team(api, await api.endpointId('bench'), url, concurrency, web.child.pid!, postgres);
    cleanup.add(() => team.setWorkers(0));
    return team;
  }

  processes(): Record<string, number[]> {
    return {
      web: [this.webPid],
      workers: this.workers.map((worker) => worker.child.pid!),
      PostgreSQL: [this.postgresPid],
    };
  }

  async setWorkers(count: number): Promise<void> {
    while (this.workers.length > count) await stopProcess(this.workers.pop()!);
    const added = await Promise.all(
      Array.from({ length: count - this.workers.length }, (_, i) =>
        startTeamWorker({
          databaseUrl: this.databaseUrl,
          concurrency: this.concurrency,
          name: `bench-${this.workers.length + i + 1}`,
        }),
      ),
    );
    this.workers.push(...added);
  }
}

/** Stops a process as an operator would (SIGTERM), killing it if it has not exited 10 s later. */
async function stopProcess(process: TeamProcess): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill('SIGTERM');
  const timer = setTimeout(() => process.child.kill('SIGKILL'), 10_000);
  await process.exited();
  clearTimeout(timer);
}

/** The embedded single-process mode: SQLite in its data directory, runs in the web server, `maxRuns` at once. */
export async function startEmbedded(
  cleanup: Cleanup,
  model: Upstream,
  maxRuns: number,
): Promise<Deployment & { stop(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-embedded-'));
  const server: RunningServer = await startTrellis(dataDir, {
    TRELLIS_ENDPOINTS: `bench=${model.url}`,
    TRELLIS_MAX_RUNS: String(maxRuns),
    TRELLIS_WEB_DIST: path.join(dataDir, 'no-web-build'),
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  cleanup.add(stop);
  const api = new Api(`${server.url}/api`);
  return {
    label: 'embedded',
    api,
    endpointId: await api.endpointId('bench'),
    processes: () => ({ server: [server.pid] }),
    stop,
  };
}
