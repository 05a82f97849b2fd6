import { Graph, type SearchSpace } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../experiments/stats.ts';
import { LARGE, SMALL, threeRoles } from '../testing/search.ts';
import {
  allocationKey,
  applyAllocation,
  checkSpace,
  describeAllocation,
  ENUMERATION_CAP,
  enumerate,
  sampleAllocation,
  spaceSize,
} from './space.ts';

const check = (space: SearchSpace) => () => checkSpace(threeRoles(), space);

describe('checkSpace', () => {
  it('accepts knobs that apply to their nodes', () => {
    expect(
      check({
        agent: { model: [SMALL, LARGE], maxOutputTokens: [512] },
        summarizer: { keepLastTurns: [1, 2] },
      }),
    ).not.toThrow();
  });

  it("names a node that is not in the graph, listing the graph's nodes", () => {
    expect(check({ planner: { temperature: [0.5] } })).toThrow(
      "no node 'planner' in graph 'Three roles' (nodes: summarizer, agent, corrector, executor)",
    );
  });

  it("refuses a knob that does not apply to the node's kind", () => {
    expect(check({ agent: { summarizerThreshold: [4000] } })).toThrow(
      "knob 'summarizerThreshold' does not apply to node 'agent' (agent); it applies to summarizer",
    );
    expect(check({ summarizer: { correctorTrigger: ['always'] } })).toThrow(
      "knob 'correctorTrigger' does not apply to node 'summarizer' (summarizer); it applies to corrector",
    );
  });

  it('refuses a model knob on a node that calls no model', () => {
    expect(check({ executor: { model: [SMALL] } })).toThrow(
      "node 'executor' (executor) calls no model, so it has no 'model' to search",
    );
  });

  it('refuses an empty space', () => {
    expect(check({})).toThrow('the search space is empty');
    expect(check({ agent: {} })).toThrow('the search space is empty');
  });

  it('refuses a value listed twice and a value the node refuses', () => {
    expect(check({ agent: { maxOutputTokens: [512, 512] } })).toThrow(
      "knob 'maxOutputTokens' on node 'agent' lists 512 twice",
    );
    expect(check({ agent: { model: [SMALL, { ...SMALL }] } })).toThrow(
      "knob 'model' on node 'agent' lists small on box twice",
    );
    // The space's schema would stop this first; checked here for spaces built in code.
    expect(check({ agent: { maxOutputTokens: [200_000] } })).toThrow(
      /knob 'maxOutputTokens' value 200000: node 'agent' budget\.maxOutputTokens: .*131072/,
    );
  });

  it('throws an invalid_space domain error that lists every problem', () => {
    try {
      checkSpace(threeRoles(), { planner: { temperature: [0.5] }, executor: { thinking: [true] } });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ kind: 'invalid', code: 'invalid_space' });
      expect((error as { details: { problems: string[] } }).details.problems).toHaveLength(2);
    }
  });
});

describe('enumerate', () => {
  const space: SearchSpace = {
    summarizer: { summarizerThreshold: [2000, 4000] },
    agent: { thinking: [false, true], maxOutputTokens: [256, 512] },
  };

  it('lists the grid in odometer order: nodes sorted, knobs in KNOB_NAMES order, the last knob fastest', () => {
    // knobs: agent.maxOutputTokens, agent.thinking, summarizer.summarizerThreshold → 2 × 2 × 2 = 8
    const grid = enumerate(space).map((a) => [
      a.agent?.maxOutputTokens,
      a.agent?.thinking,
      a.summarizer?.summarizerThreshold,
    ]);
    expect(grid).toEqual([
      [256, false, 2000],
      [256, false, 4000],
      [256, true, 2000],
      [256, true, 4000],
      [512, false, 2000],
      [512, false, 4000],
      [512, true, 2000],
      [512, true, 4000],
    ]);
    expect(spaceSize(space)).toBe(8);
  });

  it('sizes a huge grid without listing it, and refuses to list it', () => {
    const twelve = Array.from({ length: 12 }, (_, i) => 100 + i * 100);
    const big: SearchSpace = {
      agent: { maxOutputTokens: twelve, temperature: twelve.map((t) => t / 1000) },
      summarizer: { summarizerThreshold: twelve, keepLastTurns: twelve.map((_, i) => i) },
      corrector: { maxOutputTokens: twelve, temperature: twelve.map((t) => t / 1000) },
    };
    // six knobs of twelve values: 12^6 = 2,985,984
    expect(spaceSize(big)).toBe(2_985_984);
    expect(spaceSize(big)).toBeGreaterThan(ENUMERATION_CAP);
    expect(() => enumerate(big)).toThrow(RangeError);
    const drawn = sampleAllocation(big, mulberry32(7));
    expect(Object.keys(drawn).sort()).toEqual(['agent', 'corrector', 'summarizer']);
    expect(twelve).toContain(drawn.agent!.maxOutputTokens);
  });
});

describe('allocationKey', () => {
  it('is the same for equal allocations whatever their property order', () => {
    const a = {
      agent: { model: { endpointId: 'box', model: 'large' }, maxOutputTokens: 512 },
      summarizer: { keepLastTurns: 2 },
    };
    const b = {
      summarizer: { keepLastTurns: 2 },
      agent: { maxOutputTokens: 512, model: { model: 'large', endpointId: 'box' } },
    };
    expect(allocationKey(a)).toBe(allocationKey(b));
    expect(allocationKey({ ...b, corrector: {} })).toBe(allocationKey(a));
    expect(allocationKey({ ...a, summarizer: { keepLastTurns: 3 } })).not.toBe(allocationKey(a));
  });
});

describe('applyAllocation', () => {
  it('puts settings into the graph and models into overrides, and the graph still parses', () => {
    const graph = threeRoles();
    const before = JSON.stringify(graph);
    const result = applyAllocation(graph, {
      agent: { model: LARGE, maxOutputTokens: 512, thinking: true, temperature: 0.3 },
      summarizer: { summarizerThreshold: 4000, keepLastTurns: 3 },
      corrector: { correctorTrigger: 'always' },
    });
    expect(result.overrides).toEqual({ agent: { endpointId: 'box', model: 'large' } });
    const config = (id: string) =>
      result.graph.nodes.find((n) => n.id === id)!.config as Record<string, unknown>;
    expect(config('agent')).toMatchObject({
      budget: { maxOutputTokens: 512 },
      llm: { thinking: true, model: null, params: { temperature: 0.3, top_p: 0.8 } },
    });
    expect(config('summarizer')).toMatchObject({
      trigger: { type: 'tokens', threshold: 4000 },
      keepLastTurns: 3,
    });
    expect(config('corrector')).toMatchObject({ trigger: 'always' });
    expect(Graph.parse(result.graph)).toEqual(result.graph);
    expect(JSON.stringify(graph)).toBe(before);
  });

  it('replaces a summarizer that fires every N turns with the token threshold', () => {
    const graph = threeRoles();
    const summarizer = graph.nodes.find((n) => n.id === 'summarizer')!;
    (summarizer.config as { trigger: unknown }).trigger = { type: 'turns', every: 5 };
    const result = applyAllocation(graph, { summarizer: { summarizerThreshold: 8000 } });
    expect(result.graph.nodes.find((n) => n.id === 'summarizer')!.config).toMatchObject({
      trigger: { type: 'tokens', threshold: 8000 },
    });
  });
});

describe('describeAllocation', () => {
  it('labels each node with its knobs, nodes sorted by id', () => {
    expect(
      describeAllocation({
        summarizer: { summarizerThreshold: 4000, keepLastTurns: 2 },
        agent: { maxOutputTokens: 512, model: { endpointId: 'box', model: 'simulated-large' } },
      }),
    ).toBe('agent: simulated-large, 512 tok · summarizer: at 4000 tok, keep 2');
    expect(
      describeAllocation({ corrector: { correctorTrigger: 'never', thinking: false, temperature: 0 } }),
    ).toBe('corrector: no thinking, T 0, never');
  });
});
