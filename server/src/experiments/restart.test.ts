import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Experiment, ExperimentItem, RunDetail } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';

const MAIN = path.join(import.meta.dirname, '..', 'main.ts');
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

/** The real server process on a data directory that outlives it, the simulated model declared at start-up. */
async function startServer(dataDir: string, modelUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      TRELLIS_PORT: '0',
      TRELLIS_DATA_DIR: dataDir,
      TRELLIS_DISCOVERY: '0',
      TRELLIS_ENDPOINTS: `simulated=${modelUrl}`,
      TRELLIS_WEB_DIST: path.join(dataDir, 'no-web-build'),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr!.on('data', (chunk) => {
    output += String(chunk);
  });
  const url = await vi.waitFor(
    () => {
      const found = /serving UI and API at (http:\/\/\S+?)\/? /.exec(output);
      if (!found) throw new Error(`server not up yet: ${output}`);
      return found[1]!;
    },
    { timeout: 60_000, interval: 50 },
  );
  const api = `${url.replace(/\/$/, '')}/api`;
  const get = async <T>(route: string): Promise<T> => (await (await fetch(`${api}${route}`)).json()) as T;
  return { child, api, get, output: () => output };
}

function exited(child: ChildProcess): Promise<unknown> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('an experiment across a server crash', () => {
  let model: TestServer;
  let dataDir = '';
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // Paced so that a run takes a moment and the experiment is still going when the server is killed.
    model = await startSimulatedServer({
      presets: [SIMULATED_PRESETS.small!],
      timeScale: 0.02,
      dialect: 'vllm',
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-experiment-restart-'));
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await model.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('loses no finished run, runs no item twice, and finishes after the restart', {
    timeout: 240_000,
  }, async () => {
    const first = await startServer(dataDir, model.url);
    children.push(first.child);
    const endpoints = await vi.waitFor(
      async () => {
        const found =
          await first.get<{ id: string; name: string; defaultModel: string | null }[]>('/endpoints');
        const simulated = found.find((e) => e.name === 'simulated');
        if (!simulated?.defaultModel) throw new Error('the declared endpoint has no model yet');
        return simulated;
      },
      { timeout: 30_000, interval: 100 },
    );
    const response = await fetch(`${first.api}/experiments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'crash test',
        arms: [
          { preset: 'react-baseline', endpointId: endpoints.id },
          { preset: 'three-roles', endpointId: endpoints.id },
        ],
        tasks: { ids: TASKS },
        seeds: [7],
        limits: { concurrencyPerEndpoint: 3 },
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const { id } = (await response.json()) as Experiment;

    // Killed without warning once a third of the items are done and others are in flight.
    const before = await vi.waitFor(
      async () => {
        const { items } = await first.get<{ items: ExperimentItem[] }>(`/experiments/${id}/items`);
        const done = items.filter((i) => i.status === 'done').length;
        if (done < 8 || !items.some((i) => i.status === 'running')) throw new Error(`${done} done so far`);
        return items;
      },
      { timeout: 120_000, interval: 25 },
    );
    first.child.kill('SIGKILL');
    await exited(first.child);
    const doneBefore = before.filter((i) => i.status === 'done');
    expect(doneBefore.length).toBeLessThan(TASKS.length * 2);

    const second = await startServer(dataDir, model.url);
    children.push(second.child);
    expect(second.output()).toMatch(/resumed 1 experiment\(s\) left running by the last server/);
    const finished = await vi.waitFor(
      async () => {
        const experiment = await second.get<Experiment>(`/experiments/${id}`);
        if (experiment.status === 'running') throw new Error(`${experiment.progress.done} done so far`);
        return experiment;
      },
      { timeout: 180_000, interval: 100 },
    );
    expect(finished.status).toBe('finished');
    expect(finished.progress).toMatchObject({ total: 24, done: 24, running: 0 });

    const { items } = await second.get<{ items: ExperimentItem[] }>(`/experiments/${id}/items`);
    // Every item done before the crash kept its run: it was not run again.
    for (const item of doneBefore) {
      const now = items.find((i) => i.position === item.position)!;
      expect(now).toMatchObject({ status: 'done', runId: item.runId, attempts: 1 });
    }
    // Every item ended with exactly one finished run; a run the crash cut short is kept, as interrupted.
    const finishedRunIds = new Set<string>();
    for (const item of items) {
      expect(item.status).toBe('done');
      const run = await second.get<RunDetail>(`/runs/${item.runId}`);
      expect(['succeeded', 'failed']).toContain(run.status);
      expect(finishedRunIds.has(run.id)).toBe(false);
      finishedRunIds.add(run.id);
    }
    const retried = items.filter((i) => i.attempts > 1);
    expect(retried.length).toBeGreaterThan(0);
    const { runs } = await second.get<{ runs: RunDetail[] }>('/runs?limit=200');
    const byItem = new Map<string, RunDetail[]>();
    for (const run of runs) {
      const key = `${run.graphVersionId} ${run.taskId}`;
      byItem.set(key, [...(byItem.get(key) ?? []), run]);
    }
    for (const [key, ofItem] of byItem) {
      const ended = ofItem.filter((run) => run.status !== 'interrupted');
      expect(ended, key).toHaveLength(1);
      for (const run of ofItem.filter((r) => r.status === 'interrupted')) {
        expect(run.error).toMatch(/server/);
      }
    }
    expect(runs.filter((r) => r.status === 'interrupted')).toHaveLength(retried.length);
    second.child.kill('SIGTERM');
    await exited(second.child);
  });
});
