import fs from 'node:fs';
import type {
  Experiment,
  ExperimentItem,
  ForkResult,
  RunDetail,
  RunEvent,
  RunLineage,
  TeamStatus,
} from '@trellis/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../testing/postgres.ts';
import { startTeamWeb, startTeamWorker, type TeamProcess } from '../testing/team.ts';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';

/** TRELLIS_ENDPOINT_REQUESTS for every process of the team. */
const BOUND = 5;

interface SseFrame {
  id: number | null;
  event: string;
  data: unknown;
}

/** Reads a run's server-sent events to the end, as a browser's EventSource would see them. */
async function readStream(url: string, frames: SseFrame[]): Promise<void> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream' } });
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let cut = buffer.indexOf('\n\n');
    while (cut >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      cut = buffer.indexOf('\n\n');
      let id: number | null = null;
      let event = 'message';
      let data = '';
      for (const line of block.split('\n')) {
        if (line.startsWith('id: ')) id = Number(line.slice(4));
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data += line.slice(6);
      }
      if (data) frames.push({ id, event, data: JSON.parse(data) });
    }
  }
}

describe('a team: one web server, two workers, one of them killed mid-experiment', () => {
  let model: TestServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: pg.Client;
  const processes: TeamProcess[] = [];
  const dirs: string[] = [];

  beforeAll(async () => {
    // Paced so runs take a moment: the experiment is in full flight when a worker is killed.
    model = await startSimulatedServer({ presets: [SIMULATED_PRESETS.small!], timeScale: 0.02 });
    database = await createTestDatabase();
    db = new pg.Client({ connectionString: database.url });
    await db.connect();
  });
  afterAll(async () => {
    for (const { child } of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited()));
    await db.end();
    await database.drop();
    await model.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('ends every run exactly once, loses nothing, and keeps a live stream exactly-once across the kill', {
    timeout: 300_000,
  }, async () => {
    // Five model requests at once on the endpoint, across both workers, though eight runs are in flight.
    const env = { TRELLIS_ENDPOINT_REQUESTS: String(BOUND) };
    const web = await startTeamWeb({ databaseUrl: database.url, endpoints: `simulated=${model.url}`, env });
    processes.push(web);
    dirs.push(web.dataDir);
    const [first, second] = await Promise.all([
      startTeamWorker({ databaseUrl: database.url, concurrency: 4, name: 'first', env }),
      startTeamWorker({ databaseUrl: database.url, concurrency: 4, name: 'second', env }),
    ]);
    processes.push(first!, second!);
    dirs.push(first!.dataDir, second!.dataDir);
    const get = async <T>(route: string): Promise<T> =>
      (await (await fetch(`${web.api}${route}`)).json()) as T;
    const endpoint = await vi.waitFor(
      async () => {
        const found = await get<{ id: string; name: string; defaultModel: string | null }[]>('/endpoints');
        const simulated = found.find((e) => e.name === 'simulated');
        if (!simulated?.defaultModel) throw new Error('the declared endpoint has no model yet');
        return simulated;
      },
      { timeout: 30_000, interval: 100 },
    );

    const team = await vi.waitFor(
      async () => {
        const status = await get<TeamStatus>('/team');
        if (status.members.length < 3) throw new Error('not every member has joined yet');
        return status;
      },
      { timeout: 20_000, interval: 100 },
    );
    expect(team).toMatchObject({ execution: 'workers', store: 'postgres', queue: { waiting: 0, taken: 0 } });
    expect(team.members.map((m) => [m.name, m.concurrency]).sort()).toEqual([
      ['first', 4],
      ['second', 4],
      ['web', 0],
    ]);

    const created = await fetch(`${web.api}/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'team',
        arms: [{ preset: 'react-baseline', endpointId: endpoint.id }],
        tasks: { split: 'dev' },
        seeds: [11],
        limits: { concurrencyPerEndpoint: 8 },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as Experiment;

    // Once a few items are done, follow a run the first worker is executing, then kill that worker.
    const followed = await vi.waitFor(
      async () => {
        const { items } = await get<{ items: ExperimentItem[] }>(`/experiments/${id}/items`);
        if (items.filter((i) => i.status === 'done').length < 6) throw new Error('too early');
        const held = await db.query<{ id: string }>(
          "SELECT id FROM runs WHERE worker_id = $1 AND status = 'running' AND event_count > 3 LIMIT 1",
          [first!.id],
        );
        if (held.rows.length === 0) throw new Error('the first worker holds no run in flight');
        return held.rows[0]!.id;
      },
      { timeout: 120_000, interval: 50 },
    );
    const frames: SseFrame[] = [];
    const streamed = readStream(`${web.api}/runs/${followed}/events`, frames);
    await vi.waitFor(() => expect(frames.length).toBeGreaterThan(0), { timeout: 10_000, interval: 20 });
    first!.child.kill('SIGKILL');
    await first!.exited();

    const finished = await vi.waitFor(
      async () => {
        const experiment = await get<Experiment>(`/experiments/${id}`);
        if (experiment.status === 'running') throw new Error(`${experiment.progress.done} done so far`);
        return experiment;
      },
      { timeout: 240_000, interval: 200 },
    );
    await streamed;
    expect(model.peakRunning()).toBe(BOUND);

    // The experiment: every item of the dev split done, each by a run that ended on its own.
    expect(finished.status).toBe('finished');
    const { items } = await get<{ items: ExperimentItem[] }>(`/experiments/${id}/items`);
    expect(items.length).toBeGreaterThanOrEqual(50);
    expect(items.every((i) => i.status === 'done')).toBe(true);
    const finals = await db.query<{ status: string }>(
      'SELECT r.status FROM experiment_items i JOIN runs r ON r.id = i.run_id WHERE i.experiment_id = $1',
      [id],
    );
    expect(finals.rows.length).toBe(items.length);
    expect(finals.rows.filter((r) => !['succeeded', 'failed'].includes(r.status))).toEqual([]);

    // Every run: ended, once, with its events numbered 1..n without a gap; the killed worker's are interrupted.
    const runs = await db.query<{
      id: string;
      status: string;
      worker_id: string;
      events: number;
      last: number;
      ends: number;
    }>(
      `SELECT r.id, r.status, r.worker_id, COUNT(e.seq)::int AS events, COALESCE(MAX(e.seq), 0)::int AS last,
              COUNT(*) FILTER (WHERE e.type = 'run.finished')::int AS ends
       FROM runs r LEFT JOIN run_events e ON e.run_id = r.id GROUP BY r.id`,
    );
    expect(runs.rows.filter((r) => ['queued', 'running'].includes(r.status))).toEqual([]);
    expect(runs.rows.filter((r) => r.ends !== 1)).toEqual([]);
    expect(runs.rows.filter((r) => r.events !== r.last)).toEqual([]);
    const cut = runs.rows.filter((r) => r.status === 'interrupted');
    expect(cut.length).toBeGreaterThan(0);
    expect(cut.every((r) => r.worker_id === first!.id)).toBe(true);
    expect(runs.rows.length).toBe(items.length + cut.length);
    // Each cut-short run is in the history of the item that ran again.
    const history = await db.query<{ previous_run_ids: string }>(
      'SELECT previous_run_ids FROM experiment_items WHERE experiment_id = $1',
      [id],
    );
    const previous = history.rows.flatMap((row) => JSON.parse(row.previous_run_ids) as string[]);
    expect(new Set(previous)).toEqual(new Set(cut.map((r) => r.id)));

    // The followed run's stream: each recorded event once, in order, ending with its interruption.
    const recorded = await db.query<{ body: string }>(
      'SELECT body FROM run_events WHERE run_id = $1 ORDER BY seq',
      [followed],
    );
    const events = frames.filter((f) => f.event !== 'end').map((f) => f.data as RunEvent);
    expect(events.map((e) => e.seq)).toEqual(recorded.rows.map((_, i) => i + 1));
    expect(events.map((e) => e.type)).toEqual(
      recorded.rows.map((r) => (JSON.parse(r.body) as RunEvent).type),
    );
    expect(events.at(-1)).toMatchObject({ type: 'run.finished', status: 'interrupted' });
    expect(frames.at(-1)).toMatchObject({ event: 'end', data: { status: 'interrupted' } });
    expect(second!.child.exitCode).toBeNull();
    const after = await get<TeamStatus>('/team');
    expect(after.members.map((m) => m.name).sort()).toEqual(['second', 'web']);

    // A fork goes to a worker too, which rebuilds its recorded steps from the store and runs on from step 3.
    const parent = await db.query<{ id: string }>(
      "SELECT id FROM runs WHERE status IN ('succeeded', 'failed') AND steps >= 4 ORDER BY id LIMIT 1",
    );
    const forked = await fetch(`${web.api}/runs/${parent.rows[0]!.id}/forks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ step: 3 }),
    });
    expect(forked.status, await forked.clone().text()).toBe(201);
    const fork = (await forked.json()) as ForkResult;
    const forkRun = await vi.waitFor(
      async () => {
        const run = await get<RunDetail>(`/runs/${fork.run.id}`);
        if (['queued', 'running'].includes(run.status)) throw new Error(`still ${run.status}`);
        return run;
      },
      { timeout: 60_000, interval: 100 },
    );
    expect(['succeeded', 'failed']).toContain(forkRun.status);
    const where = await db.query<{ worker_id: string }>('SELECT worker_id FROM runs WHERE id = $1', [
      forkRun.id,
    ]);
    expect(where.rows[0]!.worker_id).toBe(second!.id);
    const { lineage } = await get<{ lineage: RunLineage }>(`/runs/${forkRun.id}/lineage`);
    expect(lineage).toMatchObject({ parentRunId: parent.rows[0]!.id, forkStep: 3, findings: [] });
  });
});
