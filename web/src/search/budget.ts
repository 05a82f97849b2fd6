import {
  type Allocation,
  type ComputeRule,
  callsModel,
  type Graph,
  KNOB_NAMES,
  type ModelChoice,
  type SearchSpace,
} from '@trellis/shared';

/*
 * The grid a search space spans and how much of it the declared budget allows, so the form can say so before the
 * search is sent. The declared cost follows the ComputeRule's definition (Σ over model nodes of the output weight
 * of the node's model × its max output tokens), with the server's fallbacks for a node whose model the allocation
 * does not choose.
 */

/** What a node the allocation gives no model falls back on, as a run binds it. */
export interface ModelDefaults {
  /** The run's default model, for nodes that bind no endpoint and name no model. */
  model: string | null;
  /** Each endpoint's default model, for nodes binding an endpoint of their own but naming no model. */
  endpointModels: Readonly<Record<string, string | null>>;
}

const UNIT = { input: 1, output: 1 } as const;

export function weightOf(rule: Pick<ComputeRule, 'weights'>, model: string | null) {
  return (model !== null ? rule.weights[model] : undefined) ?? UNIT;
}

/** Allocations in the grid: the product of the number of values of every searched knob (1 when none is searched). */
export function gridSize(space: SearchSpace): number {
  let size = 1;
  for (const knobs of Object.values(space)) {
    for (const knob of KNOB_NAMES) {
      const values = knobs[knob];
      if (values && values.length > 0) size *= values.length;
    }
  }
  return size;
}

function nodeModel(
  node: Extract<Graph['nodes'][number], { config: { llm: unknown } }>,
  chosen: ModelChoice | undefined,
  defaults: ModelDefaults,
): string | null {
  if (chosen) return chosen.model;
  const llm = node.config.llm;
  if (llm.model !== null) return llm.model;
  if (llm.endpointId !== null) return defaults.endpointModels[llm.endpointId] ?? null;
  return defaults.model;
}

/** The declared cost of one allocation under the rule. */
export function declaredCost(
  graph: Graph,
  allocation: Allocation,
  rule: Pick<ComputeRule, 'weights'>,
  defaults: ModelDefaults,
): number {
  let cost = 0;
  for (const node of graph.nodes) {
    if (!callsModel(node)) continue;
    const knobs = allocation[node.id];
    const maxOutputTokens = knobs?.maxOutputTokens ?? node.config.budget.maxOutputTokens;
    cost += weightOf(rule, nodeModel(node, knobs?.model, defaults)).output * maxOutputTokens;
  }
  return cost;
}

export interface BudgetCount {
  /** Allocations in the grid. */
  total: number;
  /** Of those, how many declare no more than the budget; null when no budget is given. */
  within: number | null;
  /** The cheapest and the costliest declared cost in the grid. */
  cheapest: number;
  costliest: number;
}

/**
 * How many allocations of the grid the budget allows. Only the model and max-output-tokens knobs change the
 * declared cost, and each node adds its own share, so the count is a convolution of each node's costs (a map from
 * partial sum to how many ways reach it) times the number of combinations of every other knob: exact, and cheap
 * for any grid the form accepts.
 */
export function countWithinBudget(
  graph: Graph,
  space: SearchSpace,
  rule: Pick<ComputeRule, 'weights'>,
  defaults: ModelDefaults,
  budget: number | null,
): BudgetCount {
  let sums = new Map<number, number>([[0, 1]]);
  let others = 1;
  for (const node of graph.nodes) {
    const knobs = space[node.id] ?? {};
    for (const knob of KNOB_NAMES) {
      if (knob === 'model' || knob === 'maxOutputTokens') continue;
      const values = knobs[knob];
      if (values && values.length > 0) others *= values.length;
    }
    if (!callsModel(node)) continue;
    const models: (ModelChoice | undefined)[] = knobs.model?.length ? knobs.model : [undefined];
    const tokens: (number | undefined)[] = knobs.maxOutputTokens?.length
      ? knobs.maxOutputTokens
      : [undefined];
    const shares: number[] = [];
    for (const model of models) {
      for (const maxOutputTokens of tokens) {
        const allocation: Allocation = {
          [node.id]: { ...(model ? { model } : {}), ...(maxOutputTokens ? { maxOutputTokens } : {}) },
        };
        shares.push(declaredCost({ ...graph, nodes: [node] }, allocation, rule, defaults));
      }
    }
    const next = new Map<number, number>();
    for (const [sum, ways] of sums) {
      for (const share of shares) next.set(sum + share, (next.get(sum + share) ?? 0) + ways);
    }
    sums = next;
  }
  // Knobs on node ids the graph does not have still multiply the grid (the server refuses them, but count them).
  for (const [nodeId, knobs] of Object.entries(space)) {
    if (graph.nodes.some((n) => n.id === nodeId)) continue;
    for (const knob of KNOB_NAMES) {
      const values = knobs[knob];
      if (values && values.length > 0) others *= values.length;
    }
  }
  const costs = [...sums.keys()];
  let within = 0;
  if (budget !== null) for (const [sum, ways] of sums) if (sum <= budget) within += ways;
  return {
    total: gridSize(space),
    within: budget === null ? null : within * others,
    cheapest: Math.min(...costs),
    costliest: Math.max(...costs),
  };
}
