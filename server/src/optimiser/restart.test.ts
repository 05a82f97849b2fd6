import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Graph, type Optimisation, preset } from '@trellis/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { experimentServices } from '../experiments/services.ts';
import { MetaAgentScript, startOptimiserApp } from '../testing/optimiser.ts';
import type { TestServer } from '../testserver/server.ts';
import { SIMULATED_PRESETS, startSimulatedServer } from '../testserver/simulated/index.ts';
import { optimiserService } from './services.ts';

const TASKS = ['notes_pin_1', 'todo_complete_1', 'music_like_song_1', 'wallet_balance_1'];
const COOLER = JSON.stringify({
  analysis: 'too random',
  label: 'cooler agent',
  settings: { agent: { 'llm.params.temperature': 0.2 } },
});
const PATIENT = JSON.stringify({
  analysis: 'runs out of steps',
  label: 'more steps',
  graph: { limits: { maxSteps: 12 } },
});

describe('an optimisation across a restart', () => {
  let model: TestServer;
  let dataDir = '';

  beforeAll(async () => {
    model = await startSimulatedServer({ presets: [SIMULATED_PRESETS.small!], timeScale: 0 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-optimiser-restart-'));
  });
  afterAll(async () => {
    await model?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('waits after a restart for the round that was being scored, asks nothing twice, and goes on', async () => {
    const script = new MetaAgentScript();
    script.play(COOLER, PATIENT);
    const dbFile = path.join(dataDir, 'trellis.db');
    const options = { modelUrl: model.url, defaultModel: 'simulated-small', script, dbFile };
    const first = await startOptimiserApp(options);
    // Few steps, so that runs (written to a file this time) end soon.
    const graph: Graph = {
      ...preset('react-baseline').graph,
      name: 'restarted',
      limits: { maxSteps: 8, tokenBudget: null },
    };
    const base = (await first.ctx.graphs.save({ graph, message: 'base' })).id;
    const res = await first.app.inject({
      method: 'POST',
      url: '/api/optimisations',
      payload: {
        graphVersionId: base,
        endpointId: first.endpointId,
        tasks: { ids: TASKS },
        seeds: [7],
        rounds: 2,
        metaAgent: { endpointId: first.endpointId },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id } = res.json() as Optimisation;

    // The server stops the moment round 1 starts being scored: its runs are cut short, its experiment left running.
    let experimentId = '';
    const stopped = new Promise<void>((resolve) => {
      const unfollow = optimiserService(first.ctx).follow(id, (update) => {
        if (update.candidate?.round !== 1 || update.candidate.status !== 'running') return;
        experimentId = update.candidate.experimentId!;
        unfollow?.();
        resolve(first.close());
      });
    });
    await stopped;

    const second = await startOptimiserApp(options);
    try {
      await second.ctx.manager.recover();
      const before = await second.ctx.db.get<{ status: string }>(
        'SELECT status FROM optimisation_candidates WHERE optimisation_id = ? AND round = 1',
        [id],
      );
      expect(before?.status).toBe('running');
      await experimentServices(second.ctx).experiments.resume();
      expect(await optimiserService(second.ctx).resume()).toEqual([id]);
      await optimiserService(second.ctx).settled(id);

      const optimisation = (
        await second.app.inject({ url: `/api/optimisations/${id}` })
      ).json() as Optimisation;
      expect(optimisation.status).toBe('finished');
      expect(optimisation.candidates.map((c) => [c.round, c.status])).toEqual([
        [0, 'evaluated'],
        [1, 'evaluated'],
        [2, 'evaluated'],
      ]);
      expect(optimisation.candidates[1]!.experimentId).toBe(experimentId);
      expect(optimisation.candidates[1]!.score).toMatchObject({ n: TASKS.length });
      // The simulated model does not heed temperature: round 1 only ties round 0, so round 2 edits the start.
      expect(optimisation.candidates[1]!.score).toEqual(optimisation.candidates[0]!.score);
      expect(optimisation.candidates[2]!.parentVersionId).toBe(base);
      // Round 1 was proposed once, before the stop; round 2 once, after it.
      expect(script.conversations).toHaveLength(2);
      expect(script.left).toBe(0);
    } finally {
      await second.close();
    }
  }, 120_000);
});
