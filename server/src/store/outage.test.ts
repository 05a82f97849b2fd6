import { preset, type RunDetail, type RunEvent } from '@trellis/shared';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../testing/app.ts';
import { type PostgresCluster, startPostgresCluster } from '../testing/postgres-cluster.ts';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';

const TASK = 'notes_pin_3';

describe('the database going away in the middle of a run', () => {
  let cluster: PostgresCluster;
  let model: TestServer;
  let t: TestApp;
  let endpointId = '';

  beforeAll(async () => {
    // A cluster of this test's own: it is stopped and started again below.
    cluster = await startPostgresCluster();
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query('CREATE DATABASE outage');
    await admin.end();
    // Paced so that the run is still going when the database stops.
    model = await startSimulatedServer({ presets: [SIMULATED_PRESETS.small!], timeScale: 0.3 });
    t = await createTestApp({}, { dbFile: cluster.adminUrl.replace(/\/postgres$/, '/outage') });
    endpointId = (
      await t.ctx.endpoints.create({
        name: 'simulated',
        baseUrl: model.url,
        kind: 'vllm',
        apiKey: null,
        defaultModel: 'simulated-small',
        defaultParams: {},
        timeouts: { connectMs: 5_000, firstTokenMs: 20_000, idleMs: 10_000 },
      })
    ).id;
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await model?.close();
    cluster?.stop();
  });

  it('ends the run with the cause, answers 503 meanwhile, and records everything once it is back', {
    timeout: 120_000,
  }, async () => {
    const version = await t.ctx.graphs.save({ graph: preset('react-baseline').graph, message: 'outage' });
    const started = await t.ctx.manager.start({
      version,
      taskId: TASK,
      difficulty: 3,
      endpointId,
      overrides: {},
      seed: 5,
    });
    const seen: RunEvent[] = [];
    let ended: string | null = null;
    t.ctx.events.follow(started.id, 0, {
      event: (event) => seen.push(event),
      end: (status) => {
        ended = status;
      },
    });
    await vi.waitFor(() => expect(seen.filter((e) => e.type === 'step.started').length).toBeGreaterThan(1), {
      timeout: 60_000,
      interval: 20,
    });

    cluster.pause();
    // The run ends as soon as its events cannot be stored, and says why.
    await vi.waitFor(() => expect(ended).toBe('errored'), { timeout: 30_000, interval: 50 });
    const end = seen.at(-1);
    expect(end).toMatchObject({ type: 'run.finished', status: 'errored' });
    expect((end as { error: string }).error).toMatch(/the database is unavailable/);

    // The server stays up and names the cause of every request that needs the store.
    const list = await t.app.inject({ method: 'GET', url: '/api/runs' });
    expect(list.statusCode).toBe(503);
    expect(list.json()).toMatchObject({ error: { code: 'store_unavailable' } });
    const start = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { graphVersionId: version.id, taskId: TASK, endpointId },
    });
    expect(start.statusCode).toBe(503);
    const health = await t.app.inject({ method: 'GET', url: '/api/tasks' });
    expect(health.statusCode).toBe(200);

    cluster.resume();
    // Once it is back, the run's events and its end are written, each once, and new runs start again.
    await t.ctx.manager.settled(started.id);
    const recorded = await vi.waitFor(
      async () => {
        const response = await t.app.inject({ method: 'GET', url: `/api/runs/${started.id}` });
        expect(response.statusCode).toBe(200);
        return response.json() as RunDetail;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(recorded.status).toBe('errored');
    expect(recorded.error).toMatch(/the database is unavailable/);
    const events = await t.ctx.events.list(started.id);
    expect(events.map((e) => e.seq)).toEqual(seen.map((e) => e.seq));
    expect(events.filter((e) => e.type === 'run.finished')).toHaveLength(1);
    const again = await t.app.inject({
      method: 'POST',
      url: '/api/runs',
      payload: { graphVersionId: version.id, taskId: TASK, endpointId },
    });
    expect(again.statusCode, again.body).toBe(201);
  });
});
