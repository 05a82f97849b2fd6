import { preset, type Search } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { useTestRun } from '../testing/use-test-run.ts';
import { SIMULATED_PRESETS } from '../testserver/simulated/index.ts';
import { searchService } from './services.ts';

describe('allocation search', () => {
  const r = useTestRun(
    { simulated: { presets: [SIMULATED_PRESETS.small!, SIMULATED_PRESETS.large!], timeScale: 0 } },
    { resetEach: false },
  );

  it('runs trials as dev experiments, reuses identical ones, and saves the best', async () => {
    const saved = await r.t.ctx.graphs.save({ graph: preset('three-roles').graph, message: 'base' });
    const res = await r.t.app.inject({
      method: 'POST',
      url: '/api/searches',
      payload: {
        graphVersionId: saved.id,
        endpointId: r.endpointId,
        tasks: { ids: ['notes_pin_1', 'todo_complete_1', 'notes_count_tag_1'] },
        seeds: [7],
        space: {
          agent: {
            model: [
              { endpointId: r.endpointId, model: 'simulated-small' },
              { endpointId: r.endpointId, model: 'simulated-large' },
            ],
          },
          corrector: { correctorTrigger: ['after_failure', 'never'] },
        },
        compute: { budget: 100000, weights: { 'simulated-large': { input: 4, output: 4 } } },
        method: 'random',
        trials: 4,
        batchSize: 2,
        seed: 3,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as Search).id;
    await searchService(r.t.ctx).settled(id);
    const search = (await r.t.app.inject({ url: `/api/searches/${id}` })).json() as Search;

    expect(search.status).toBe('finished');
    expect(search.trialsDone).toBe(4);
    const best = await r.t.app.inject({ method: 'POST', url: `/api/searches/${id}/save-best` });
    expect(best.statusCode, best.body).toBe(201);
    const confirm = await r.t.app.inject({ method: 'POST', url: `/api/searches/${id}/confirm` });
    expect(confirm.statusCode, confirm.body).toBe(201);
  }, 120_000);
});
