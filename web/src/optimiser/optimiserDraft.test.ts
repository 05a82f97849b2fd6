import { describe, expect, it } from 'vitest';
import { emptyOptimiserDraft, type OptimiserDraft, toOptimiserRequest } from './optimiserDraft.ts';

const draft = (change: Partial<OptimiserDraft> = {}): OptimiserDraft => ({
  ...emptyOptimiserDraft(),
  metaEndpointId: 'box',
  metaModel: 'qwen3-7b',
  ...change,
});

describe('toOptimiserRequest', () => {
  it('builds the request over the dev split with the rounds, the meta-agent and the failure samples', () => {
    expect(
      toOptimiserRequest(draft({ endpointId: 'sim', model: 'simulated-small', rounds: '4' }), 'gv_1'),
    ).toEqual({
      request: {
        graphVersionId: 'gv_1',
        endpointId: 'sim',
        model: 'simulated-small',
        tasks: { suite: 'builtin', split: 'dev' },
        repeats: 1,
        rounds: 4,
        metaAgent: { endpointId: 'box', model: 'qwen3-7b' },
        failureSamples: 5,
        concurrencyPerEndpoint: 8,
      },
      problems: [],
    });
  });

  it('keeps the dev split whatever the filter held, and names each problem', () => {
    expect(
      toOptimiserRequest(draft({ tasks: { ...draft().tasks, split: 'test' } }), 'gv').request?.tasks,
    ).toEqual({
      suite: 'builtin',
      split: 'dev',
    });
    expect(
      toOptimiserRequest(draft({ rounds: '40', failureSamples: '', metaEndpointId: null }), 'gv').problems,
    ).toEqual([
      'Rounds must be a whole number from 1 to 30.',
      'Failure samples must be a whole number from 0 to 20.',
      'Choose the meta-agent’s endpoint: the model that proposes the edits.',
    ]);
  });
});
