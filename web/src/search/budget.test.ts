import { type ModelChoice, preset, type SearchSpace } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { countWithinBudget, declaredCost, gridSize } from './budget.ts';

const SMALL: ModelChoice = { endpointId: 'sim', model: 'small' };
const LARGE: ModelChoice = { endpointId: 'sim', model: 'large' };
const RULE = { weights: { small: { input: 1, output: 1 }, large: { input: 4, output: 4 } } };
const DEFAULTS = { model: 'small', endpointModels: {} };
// Three roles as saved: summarizer 512, agent 1536, corrector 1024 max output tokens; the executor calls no model.
const threeRoles = () => preset('three-roles').graph;

describe('declaredCost', () => {
  it('sums output weight × max output tokens over the nodes that call a model', () => {
    // summarizer small 1 × 256 + agent large 4 × 512 + corrector small 1 × 1024 (as saved) = 3328
    const allocation = {
      agent: { model: LARGE, maxOutputTokens: 512 },
      summarizer: { maxOutputTokens: 256 },
    };
    expect(declaredCost(threeRoles(), allocation, RULE, DEFAULTS)).toBe(3328);
    expect(declaredCost(threeRoles(), {}, RULE, DEFAULTS)).toBe(3072);
  });

  it("weighs a node bound to an endpoint by that endpoint's default model, never the run's", () => {
    const graph = threeRoles();
    const summarizer = graph.nodes.find((n) => n.id === 'summarizer')!;
    if ('llm' in summarizer.config) summarizer.config.llm.endpointId = 'far';
    // summarizer large 4 × 512 + agent 1536 + corrector 1024 = 4608
    expect(declaredCost(graph, {}, RULE, { model: 'small', endpointModels: { far: 'large' } })).toBe(4608);
  });
});

describe('gridSize', () => {
  it('multiplies the number of values of every searched knob', () => {
    expect(gridSize({})).toBe(1);
    expect(
      gridSize({
        agent: { model: [SMALL, LARGE], maxOutputTokens: [512, 1024, 2048] },
        corrector: { correctorTrigger: ['always', 'never'] },
      }),
    ).toBe(12);
  });
});

describe('countWithinBudget', () => {
  const space = {
    agent: { model: [SMALL, LARGE], maxOutputTokens: [512, 1024] },
    corrector: { correctorTrigger: ['always', 'after_failure', 'never'] },
  } satisfies SearchSpace;

  it('counts the allocations whose declared cost fits the budget, times the knobs that cost nothing', () => {
    // Fixed: summarizer 512 + corrector 1024 = 1536. Agent: small 512 → 2048, small 1024 → 2560,
    // large 512 → 3584, large 1024 → 5632. A budget of 3000 allows the two small ones, × 3 triggers = 6 of 12.
    const count = countWithinBudget(threeRoles(), space, RULE, DEFAULTS, 3000);
    expect(count).toEqual({ total: 12, within: 6, cheapest: 2048, costliest: 5632 });
  });

  it('agrees with costing every allocation one by one when several nodes share the budget', () => {
    const wide = {
      summarizer: { model: [SMALL, LARGE], maxOutputTokens: [256, 512] },
      agent: { model: [SMALL, LARGE], maxOutputTokens: [512, 1024, 2048] },
    };
    let within = 0;
    for (const sm of wide.summarizer.model)
      for (const st of wide.summarizer.maxOutputTokens)
        for (const am of wide.agent.model)
          for (const at of wide.agent.maxOutputTokens) {
            const allocation = {
              summarizer: { model: sm, maxOutputTokens: st },
              agent: { model: am, maxOutputTokens: at },
            };
            if (declaredCost(threeRoles(), allocation, RULE, DEFAULTS) <= 6000) within++;
          }
    expect(countWithinBudget(threeRoles(), wide, RULE, DEFAULTS, 6000).within).toBe(within);
    expect(countWithinBudget(threeRoles(), wide, RULE, DEFAULTS, null).within).toBeNull();
  });
});
