import {
  type Allocation,
  type ComputeRule,
  callsModel,
  type Graph,
  type ModelNode,
  type RunTotals,
} from '@trellis/shared';

/** What a node that the allocation gives no model falls back on, as the run's binding does (bindNode). */
export interface ModelDefaults {
  /** The run's default model, for nodes that bind no endpoint and name no model. */
  model: string | null;
  /**
   * Each endpoint's default model, for nodes that bind an endpoint of their own but name no model: such a node
   * never takes the run's default model. Without an entry its model is unknown and weighs 1.
   */
  endpointModels?: Readonly<Record<string, string | null>>;
}

const UNIT_WEIGHT = { input: 1, output: 1 } as const;

/** A model's weights under the rule; a model not listed, or not known, weighs 1 for input and output. */
export function weightOf(
  rule: Pick<ComputeRule, 'weights'>,
  model: string | null,
): { input: number; output: number } {
  return (model !== null ? rule.weights[model] : undefined) ?? UNIT_WEIGHT;
}

/**
 * The model a node will call in a trial: the allocation's model knob, else the node's own `llm.model`, else (for a
 * node binding its own endpoint) that endpoint's default model, else the run's default model; null when unknown.
 */
export function nodeModel(node: ModelNode, allocation: Allocation, defaults: ModelDefaults): string | null {
  const chosen = allocation[node.id]?.model;
  if (chosen) return chosen.model;
  const llm = node.config.llm;
  if (llm.model !== null) return llm.model;
  if (llm.endpointId !== null) return defaults.endpointModels?.[llm.endpointId] ?? null;
  return defaults.model;
}

/**
 * The declared cost of an allocation (ComputeRule): Σ over the graph's model-calling nodes of the output weight of
 * the model the node will call × its max output tokens (the allocation's, else the node's
 * `budget.maxOutputTokens`). Nodes the space does not search count with their own settings.
 */
export function declaredCost(
  graph: Graph,
  allocation: Allocation,
  rule: Pick<ComputeRule, 'weights'>,
  defaults: ModelDefaults,
): number {
  let cost = 0;
  for (const node of graph.nodes) {
    if (!callsModel(node)) continue;
    const maxOutputTokens = allocation[node.id]?.maxOutputTokens ?? node.config.budget.maxOutputTokens;
    cost += weightOf(rule, nodeModel(node, allocation, defaults)).output * maxOutputTokens;
  }
  return cost;
}

/**
 * The model each role (node kind, as runs' `totals.byRole` is keyed) calls in a trial. Runs total tokens by kind,
 * not by node, so when two nodes share a kind the role is weighed by the first of them in the graph's node order.
 */
export function roleModels(
  graph: Graph,
  allocation: Allocation,
  defaults: ModelDefaults,
): Record<string, string | null> {
  const models: Record<string, string | null> = {};
  for (const node of graph.nodes) {
    if (!callsModel(node) || node.kind in models) continue;
    models[node.kind] = nodeModel(node, allocation, defaults);
  }
  return models;
}

/** A trial's measured compute and tokens, each a mean per run; null when no run finished. */
export interface MeasuredCompute {
  compute: number | null;
  tokens: number | null;
  runs: number;
}

/**
 * The measured compute of a trial (ComputeRule) from its finished runs' `totals.byRole`: per run, Σ over roles of
 * input weight × prompt tokens + output weight × completion tokens, weights of the model the role called
 * (roleModels; a role not in `models` weighs 1); then the mean over runs. Tokens are prompt + completion, mean
 * per run.
 */
export function measuredCompute(
  runs: readonly RunTotals['byRole'][],
  models: Readonly<Record<string, string | null>>,
  rule: Pick<ComputeRule, 'weights'>,
): MeasuredCompute {
  if (runs.length === 0) return { compute: null, tokens: null, runs: 0 };
  let compute = 0;
  let tokens = 0;
  for (const byRole of runs) {
    for (const [role, totals] of Object.entries(byRole)) {
      const weight = weightOf(rule, models[role] ?? null);
      compute += weight.input * totals.promptTokens + weight.output * totals.completionTokens;
      tokens += totals.promptTokens + totals.completionTokens;
    }
  }
  return { compute: compute / runs.length, tokens: tokens / runs.length, runs: runs.length };
}
