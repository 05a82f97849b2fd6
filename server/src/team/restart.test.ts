import fs from 'node:fs';
import type { Experiment, ExperimentItem } from '@trellis/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase } from '../testing/postgres.ts';
import { startTeamWeb, startTeamWorker, type TeamProcess } from '../testing/team.ts';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';

const TASKS = [
  'notes_pin_1',
  'notes_pin_2',
  'notes_pin_3',
  'todo_complete_1',
  'todo_complete_2',
  'todo_complete_3',
  'music_like_song_1',
  'music_like_song_2',
  'wallet_balance_1',
  'wallet_balance_2',
  'mail_send_1',
  'phone_number_of_1',
];

describe('a team web server killed mid-experiment while its worker goes on', () => {
  let model: TestServer;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: pg.Client;
  const processes: (TeamProcess & { dataDir: string })[] = [];

  beforeAll(async () => {
    model = await startSimulatedServer({ presets: [SIMULATED_PRESETS.small!], timeScale: 0.03 });
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
    for (const { dataDir } of processes) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('follows the runs the worker still executes after the restart, and runs none of them again', {
    timeout: 240_000,
  }, async () => {
    const options = { databaseUrl: database.url, endpoints: `simulated=${model.url}` };
    const first = await startTeamWeb(options);
    processes.push(first);
    const worker = await startTeamWorker({ databaseUrl: database.url, concurrency: 4, name: 'only' });
    processes.push(worker);
    const endpoint = await vi.waitFor(
      async () => {
        const found = (await (await fetch(`${first.api}/endpoints`)).json()) as {
          id: string;
          name: string;
          defaultModel: string | null;
        }[];
        const simulated = found.find((e) => e.name === 'simulated');
        if (!simulated?.defaultModel) throw new Error('the declared endpoint has no model yet');
        return simulated;
      },
      { timeout: 30_000, interval: 100 },
    );
    const created = await fetch(`${first.api}/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'restart',
        arms: [{ preset: 'react-baseline', endpointId: endpoint.id }],
        tasks: { ids: TASKS },
        seeds: [5],
        limits: { concurrencyPerEndpoint: 4 },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as Experiment;

    await vi.waitFor(
      async () => {
        const { items } = (await (await fetch(`${first.api}/experiments/${id}/items`)).json()) as {
          items: ExperimentItem[];
        };
        const done = items.filter((i) => i.status === 'done').length;
        if (done < 2 || items.filter((i) => i.status === 'running').length < 2)
          throw new Error(`${done} done`);
      },
      { timeout: 120_000, interval: 25 },
    );
    first.child.kill('SIGKILL');
    await first.exited();

    const second = await startTeamWeb(options);
    processes.push(second);
    expect(second.output()).toMatch(/resumed 1 experiment\(s\) left running by the last server/);
    const finished = await vi.waitFor(
      async () => {
        const experiment = (await (await fetch(`${second.api}/experiments/${id}`)).json()) as Experiment;
        if (experiment.status === 'running') throw new Error(`${experiment.progress.done} done so far`);
        return experiment;
      },
      { timeout: 180_000, interval: 100 },
    );
    expect(finished.status).toBe('finished');

    // One run per item, each ended on its own: the worker's runs outlived the web server and were followed.
    const runs = await db.query<{ status: string }>('SELECT status FROM runs');
    expect(runs.rows).toHaveLength(TASKS.length);
    expect(runs.rows.filter((r) => !['succeeded', 'failed'].includes(r.status))).toEqual([]);
    const history = await db.query<{ previous_run_ids: string; status: string }>(
      'SELECT previous_run_ids, status FROM experiment_items WHERE experiment_id = $1',
      [id],
    );
    expect(history.rows.every((row) => row.status === 'done' && row.previous_run_ids === '[]')).toBe(true);
  });
});
