import { createNode, type Graph, type RoleTotals } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { LARGE, RULE, threeRoles } from '../testing/search.ts';
import { declaredCost, measuredCompute, roleModels } from './compute.ts';

const role = (promptTokens: number, completionTokens: number): RoleTotals => ({
  calls: 1,
  promptTokens,
  completionTokens,
  durationMs: 10,
});

function withNode(
  graph: Graph,
  id: string,
  change: (llm: { endpointId: string | null; model: string | null }) => void,
) {
  const node = graph.nodes.find((n) => n.id === id)!;
  if ('llm' in node.config) change(node.config.llm);
  return graph;
}

describe('declaredCost', () => {
  it('sums output weight × max output tokens over the model-calling nodes', () => {
    // summarizer: default model small (output 1) × 256 (allocation) = 256
    // agent:      large (output 4) × 512 (allocation)                 = 2048
    // corrector:  default model small (output 1) × 1024 (as saved)    = 1024
    // executor:   calls no model                                       = 0
    // total 256 + 2048 + 1024 = 3328
    const allocation = {
      agent: { model: LARGE, maxOutputTokens: 512 },
      summarizer: { maxOutputTokens: 256 },
    };
    expect(declaredCost(threeRoles(), allocation, RULE, { model: 'small' })).toBe(3328);
  });

  it("counts a node's saved settings when the allocation leaves it alone", () => {
    // summarizer 1 × 512 + agent 1 × 1536 + corrector 1 × 1024 = 3072 (all on the default model, small)
    expect(declaredCost(threeRoles(), {}, RULE, { model: 'small' })).toBe(3072);
  });

  it('weighs a model the rule does not list, or no known model, as 1', () => {
    // 'medium' is not in the weights: 512 + 1536 + 1024 = 3072; and the same with no default model at all.
    expect(declaredCost(threeRoles(), {}, RULE, { model: 'medium' })).toBe(3072);
    expect(declaredCost(threeRoles(), {}, RULE, { model: null })).toBe(3072);
  });

  it("uses the node's own model before the run's default, and an endpoint's default for a node bound to it", () => {
    // corrector names large: 4 × 1024 = 4096; summarizer binds endpoint 'far' whose default model is large:
    // 4 × 512 = 2048 (never the run's default, small); agent small 1 × 1536. Total 4096 + 2048 + 1536 = 7680.
    let graph = withNode(threeRoles(), 'corrector', (llm) => {
      llm.model = 'large';
    });
    graph = withNode(graph, 'summarizer', (llm) => {
      llm.endpointId = 'far';
    });
    expect(declaredCost(graph, {}, RULE, { model: 'small', endpointModels: { far: 'large' } })).toBe(7680);
    // The model knob outranks the node's own: corrector on small is 1 × 1024, so 7680 - 4096 + 1024 = 4608.
    const allocation = { corrector: { model: { endpointId: 'box', model: 'small' } } };
    expect(declaredCost(graph, allocation, RULE, { model: 'small', endpointModels: { far: 'large' } })).toBe(
      4608,
    );
  });
});

describe('measuredCompute', () => {
  it('is the mean per run of input weight × prompt tokens + output weight × completion tokens', () => {
    const runs: Record<string, RoleTotals>[] = [
      { agent: role(1000, 200), summarizer: role(500, 100) },
      { agent: role(3000, 400), corrector: role(100, 50) },
    ];
    const models = { agent: 'large', summarizer: 'small', corrector: 'small' };
    // run 1: agent 2×1000 + 4×200 = 2800; summarizer 1×500 + 1×100 = 600      → 3400
    // run 2: agent 2×3000 + 4×400 = 7600; corrector 1×100 + 1×50 = 150        → 7750
    // mean (3400 + 7750) / 2 = 5575; tokens (1800 + 3550) / 2 = 2675
    expect(measuredCompute(runs, models, RULE)).toEqual({ compute: 5575, tokens: 2675, runs: 2 });
  });

  it('is null with no finished run, and plain tokens with no weights', () => {
    expect(measuredCompute([], {}, RULE)).toEqual({ compute: null, tokens: null, runs: 0 });
    // one run: 100 + 20 = 120 with every weight 1
    expect(measuredCompute([{ agent: role(100, 20) }], { agent: 'large' }, { weights: {} })).toEqual({
      compute: 120,
      tokens: 120,
      runs: 1,
    });
  });
});

describe('roleModels', () => {
  it('names the model each kind calls, the first node of a kind deciding for both', () => {
    const graph = threeRoles();
    graph.nodes.push(createNode('agent', 'agent-2', { x: 0, y: 0 }));
    const allocation = { 'agent-2': { model: LARGE } };
    // agent (first agent in node order) has no model knob → default small; agent-2's large is not used.
    expect(roleModels(graph, allocation, { model: 'small' })).toEqual({
      summarizer: 'small',
      agent: 'small',
      corrector: 'small',
    });
    expect(roleModels(graph, { agent: { model: LARGE } }, { model: 'small' }).agent).toBe('large');
  });
});
