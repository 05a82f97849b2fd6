import { preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import {
  computeRuleOf,
  emptyKnobs,
  emptySearchDraft,
  knobsFor,
  modelKey,
  parseList,
  type SearchDraft,
  spaceOf,
  toSearchRequest,
  weighableModels,
} from './searchDraft.ts';

const graph = () => preset('three-roles').graph;
const small = modelKey({ endpointId: 'sim', model: 'simulated-small' });
const large = modelKey({ endpointId: 'sim', model: 'simulated-large' });

function draft(change: Partial<SearchDraft> = {}): SearchDraft {
  return {
    ...emptySearchDraft(),
    knobs: {
      agent: { ...emptyKnobs(), model: [small, large] },
      corrector: { ...emptyKnobs(), correctorTrigger: ['always', 'never'] },
    },
    budget: '10000',
    ...change,
  };
}

describe('knobsFor', () => {
  it("offers each node its kind's knobs and none to a node that calls no model", () => {
    const byId = Object.fromEntries(graph().nodes.map((n) => [n.id, knobsFor(n)]));
    expect(byId.agent).toEqual(['model', 'maxOutputTokens', 'thinking', 'temperature']);
    expect(byId.summarizer).toContain('keepLastTurns');
    expect(byId.corrector).toContain('correctorTrigger');
    expect(byId.executor).toEqual([]);
  });
});

describe('spaceOf', () => {
  it('reads lists of values typed with commas, spaces or underscores', () => {
    expect(parseList('256, 512  1_024;')).toEqual(['256', '512', '1024']);
    const { space, problems } = spaceOf(graph(), {
      summarizer: { ...emptyKnobs(), summarizerThreshold: '4_000, 8000', keepLastTurns: '0 2' },
      agent: { ...emptyKnobs(), temperature: '0, 0.7', thinking: [false, true] },
    });
    expect(problems).toEqual([]);
    expect(space).toEqual({
      summarizer: { summarizerThreshold: [4000, 8000], keepLastTurns: [0, 2] },
      agent: { temperature: [0, 0.7], thinking: [false, true] },
    });
  });

  it('names the node and knob of a value out of range, not whole, or listed twice', () => {
    const { problems } = spaceOf(graph(), {
      agent: { ...emptyKnobs(), maxOutputTokens: '8, 512, 512, 1.5k' },
    });
    expect(problems).toEqual([
      "Node agent: max output tokens '8' is not a whole number from 16 to 131,072.",
      'Node agent: max output tokens lists 512 twice.',
      "Node agent: max output tokens '1.5k' is not a whole number from 16 to 131,072.",
    ]);
  });

  it('leaves out knobs that do not apply and nodes the graph does not have', () => {
    const { space } = spaceOf(graph(), {
      agent: { ...emptyKnobs(), keepLastTurns: '2', correctorTrigger: ['always'] },
      gone: { ...emptyKnobs(), maxOutputTokens: '512' },
    });
    expect(space).toEqual({});
  });
});

describe('computeRuleOf', () => {
  it('weighs a blank weight as 1 and leaves out a model with no weight typed', () => {
    expect(
      computeRuleOf({
        budget: '5_000',
        weights: { a: { input: '', output: '4' }, b: { input: '', output: '' } },
      }),
    ).toEqual({ rule: { weights: { a: { input: 1, output: 4 } }, budget: 5000 }, problems: [] });
  });

  it('asks for a budget', () => {
    expect(computeRuleOf({ budget: '', weights: {} }).problems).toEqual([
      'Give the compute budget: the most declared cost one trial may have.',
    ]);
  });
});

describe('toSearchRequest', () => {
  it('builds the request over the dev split with the space, rule, method and trials', () => {
    const result = toSearchRequest(draft({ endpointId: 'sim', seed: '7' }), graph(), 'gv_1');
    expect(result.problems).toEqual([]);
    expect(result.request).toEqual({
      graphVersionId: 'gv_1',
      endpointId: 'sim',
      tasks: { suite: 'builtin', split: 'dev' },
      repeats: 1,
      space: {
        agent: {
          model: [
            { endpointId: 'sim', model: 'simulated-small' },
            { endpointId: 'sim', model: 'simulated-large' },
          ],
        },
        corrector: { correctorTrigger: ['always', 'never'] },
      },
      compute: { weights: {}, budget: 10000 },
      method: 'random',
      trials: 12,
      batchSize: 4,
      seed: 7,
    });
  });

  it('keeps the dev split even when the task filter says otherwise, and names task ids as typed', () => {
    const filtered = toSearchRequest(draft({ tasks: { ...draft().tasks, split: 'test' } }), graph(), 'gv');
    expect(filtered.request?.tasks).toEqual({ suite: 'builtin', split: 'dev' });
    const ids = toSearchRequest(
      draft({ tasks: { ...draft().tasks, mode: 'ids', ids: 'a_1 b_2' } }),
      graph(),
      'gv',
    );
    expect(ids.request?.tasks).toEqual({ suite: 'builtin', ids: ['a_1', 'b_2'] });
  });

  it('asks for a knob, and for the proposer endpoint when the method is a proposer model', () => {
    const result = toSearchRequest(draft({ knobs: {}, method: 'proposer' }), graph(), 'gv');
    expect(result.problems).toEqual([
      'Choose at least one knob to search: two models for a node, or a list of values.',
      'Choose the endpoint of the proposer model.',
    ]);
    const proposer = toSearchRequest(
      draft({ method: 'proposer', proposerEndpointId: 'sim', proposerModel: 'simulated-large' }),
      graph(),
      'gv',
    );
    expect(proposer.request?.proposer).toEqual({ endpointId: 'sim', model: 'simulated-large' });
  });
});

describe('weighableModels', () => {
  it('lists the models the knobs choose, then the default model, each once', () => {
    expect(weighableModels(graph(), draft().knobs, 'simulated-small')).toEqual([
      'simulated-small',
      'simulated-large',
    ]);
  });
});
