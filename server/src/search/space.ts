import {
  type Allocation,
  applyNodeSettings,
  callsModel,
  canonicalJson,
  type Graph,
  KNOB_KINDS,
  KNOB_NAMES,
  type KnobName,
  type NodeOverride,
  type SearchSpace,
} from '@trellis/shared';
import { DomainError } from '../domain-errors.ts';
import {
  type KnobValue,
  MODEL_KNOBS,
  type SearchedKnob,
  searchedKnobs,
  setValue,
  valueKey,
} from './knobs.ts';

export {
  declaredCost,
  type MeasuredCompute,
  type ModelDefaults,
  measuredCompute,
  nodeModel,
  roleModels,
  weightOf,
} from './compute.ts';

/** Grids up to this many allocations are listed whole; larger ones are sampled knob by knob. */
export const ENUMERATION_CAP = 20_000;

const invalidSpace = (message: string, problems: string[]) =>
  new DomainError('invalid', 'invalid_space', message, { problems });

/** What each node's searched knobs get wrong about the graph: unknown nodes, knobs foreign to the kind. */
function nodeProblems(graph: Graph, space: SearchSpace): string[] {
  const problems: string[] = [];
  const nodeIds = graph.nodes.map((n) => n.id).join(', ');
  for (const [nodeId, knobs] of Object.entries(space)) {
    const node = graph.nodes.find((n) => n.id === nodeId);
    if (!node) {
      problems.push(`no node '${nodeId}' in graph '${graph.name}' (nodes: ${nodeIds})`);
      continue;
    }
    for (const knob of KNOB_NAMES) {
      if (!knobs[knob]?.length) continue;
      if (MODEL_KNOBS.has(knob) && !callsModel(node)) {
        problems.push(`node '${nodeId}' (${node.kind}) calls no model, so it has no '${knob}' to search`);
      } else if (!KNOB_KINDS[knob].includes(node.kind)) {
        problems.push(
          `knob '${knob}' does not apply to node '${nodeId}' (${node.kind}); it applies to ${KNOB_KINDS[knob].join(', ')}`,
        );
      }
    }
  }
  return problems;
}

/** Values the space lists twice, and values the node's own schema refuses. */
function valueProblems(graph: Graph, space: SearchSpace): string[] {
  const problems: string[] = [];
  for (const [nodeId, knobs] of Object.entries(space)) {
    for (const knob of KNOB_NAMES) {
      const values = (knobs[knob] ?? []) as readonly KnobValue[];
      const seen = new Set<string>();
      for (const value of values) {
        const key = valueKey(value);
        if (seen.has(key))
          problems.push(`knob '${knob}' on node '${nodeId}' lists ${describeValue(value)} twice`);
        seen.add(key);
        const settings = nodeSettings({ [knob]: value });
        if (Object.keys(settings).length === 0) continue;
        const applied = applyNodeSettings(graph, { [nodeId]: settings });
        for (const issue of applied.issues)
          problems.push(`knob '${knob}' value ${describeValue(value)}: ${issue.message}`);
      }
    }
  }
  return problems;
}

/**
 * Throws an `invalid_space` DomainError naming every problem of a search space against its graph: a node not in
 * the graph (with the graph's nodes), a knob on a node that calls no model, a knob foreign to the node's kind, a
 * value listed twice or refused by the node's schema, or no knob with values at all.
 */
export function checkSpace(graph: Graph, space: SearchSpace): void {
  const problems = nodeProblems(graph, space);
  if (problems.length === 0) problems.push(...valueProblems(graph, space));
  if (problems.length > 0) throw invalidSpace(problems.join('; '), problems);
  if (searchedKnobs(space).length === 0) {
    const message = 'the search space is empty: give at least one knob with values';
    throw invalidSpace(message, [message]);
  }
}

/** How many allocations the grid holds (the product of each knob's value count), without listing them. */
export function spaceSize(space: SearchSpace): number {
  return searchedKnobs(space).reduce((size, knob) => size * knob.values.length, 1);
}

function allocationOf(knobs: readonly SearchedKnob[], choice: (knob: SearchedKnob, i: number) => KnobValue) {
  const allocation: Allocation = {};
  knobs.forEach((knob, i) => {
    setValue(allocation, knob.nodeId, knob.knob, choice(knob, i));
  });
  return allocation;
}

/**
 * Every allocation of the grid, in odometer order: knobs in canonical order (node ids sorted, then KNOB_NAMES),
 * each knob's values in the order the space lists them, the last knob turning fastest. Throws a RangeError past
 * ENUMERATION_CAP: sample large grids with sampleAllocation instead.
 */
export function enumerate(space: SearchSpace): Allocation[] {
  const knobs = searchedKnobs(space);
  const size = spaceSize(space);
  if (size > ENUMERATION_CAP) {
    throw new RangeError(`the grid holds ${size} allocations, more than the ${ENUMERATION_CAP} listed whole`);
  }
  if (knobs.length === 0) return [];
  const all: Allocation[] = [];
  for (let index = 0; index < size; index++) {
    let rest = index;
    const digits = new Array<number>(knobs.length);
    for (let k = knobs.length - 1; k >= 0; k--) {
      const radix = knobs[k]!.values.length;
      digits[k] = rest % radix;
      rest = Math.floor(rest / radix);
    }
    all.push(allocationOf(knobs, (knob, k) => knob.values[digits[k]!]!));
  }
  return all;
}

/** A drawer of allocations uniform over the grid (each knob's value uniformly and independently). */
export function allocationSampler(space: SearchSpace): (random: () => number) => Allocation {
  const knobs = searchedKnobs(space);
  return (random) => allocationOf(knobs, (knob) => knob.values[Math.floor(random() * knob.values.length)]!);
}

/** One allocation drawn uniformly from the grid. */
export function sampleAllocation(space: SearchSpace, random: () => number): Allocation {
  return allocationSampler(space)(random);
}

/** Canonical text of an allocation (node ids and knobs sorted; nodes with no knobs dropped): equal allocations, equal keys. */
export function allocationKey(allocation: Allocation): string {
  const nonEmpty = Object.entries(allocation).filter(
    ([, knobs]) => Object.values(knobs).filter((v) => v !== undefined).length > 0,
  );
  return canonicalJson(Object.fromEntries(nonEmpty));
}

/** A node's knobs as the dotted settings applyNodeSettings takes; the model knob is an override, not a setting. */
function nodeSettings(knobs: Allocation[string]): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  if (knobs.maxOutputTokens !== undefined) settings['budget.maxOutputTokens'] = knobs.maxOutputTokens;
  if (knobs.thinking !== undefined) settings['llm.thinking'] = knobs.thinking;
  if (knobs.temperature !== undefined) settings['llm.params.temperature'] = knobs.temperature;
  if (knobs.summarizerThreshold !== undefined) {
    settings.trigger = { type: 'tokens', threshold: knobs.summarizerThreshold };
  }
  if (knobs.keepLastTurns !== undefined) settings.keepLastTurns = knobs.keepLastTurns;
  if (knobs.correctorTrigger !== undefined) settings.trigger = knobs.correctorTrigger;
  return settings;
}

/**
 * The graph a trial runs (settings applied with applyNodeSettings, as a new graph) and its per-node overrides
 * (the model knob: endpoint and model). Throws an `invalid_allocation` DomainError when a node's schema refuses
 * a value.
 */
export function applyAllocation(
  graph: Graph,
  allocation: Allocation,
): { graph: Graph; overrides: Record<string, NodeOverride> } {
  const settings: Record<string, Record<string, unknown>> = {};
  const overrides: Record<string, NodeOverride> = {};
  for (const [nodeId, knobs] of Object.entries(allocation)) {
    const nodeChanges = nodeSettings(knobs);
    if (Object.keys(nodeChanges).length > 0) settings[nodeId] = nodeChanges;
    if (knobs.model) overrides[nodeId] = { endpointId: knobs.model.endpointId, model: knobs.model.model };
  }
  const applied = applyNodeSettings(graph, settings);
  if (applied.graph === null) {
    throw new DomainError(
      'invalid',
      'invalid_allocation',
      applied.issues.map((issue) => issue.message).join('; '),
      { issues: applied.issues },
    );
  }
  return { graph: applied.graph, overrides };
}

/** A value as a person reads it in a message: a model by name and endpoint, the rest as JSON. */
export function describeValue(value: KnobValue): string {
  return typeof value === 'object' ? `${value.model} on ${value.endpointId}` : JSON.stringify(value);
}

const KNOB_LABELS: { [K in KnobName]: (value: NonNullable<Allocation[string][K]>) => string } = {
  model: (choice) => choice.model,
  maxOutputTokens: (tokens) => `${tokens} tok`,
  thinking: (on) => (on ? 'thinking' : 'no thinking'),
  temperature: (t) => `T ${t}`,
  summarizerThreshold: (threshold) => `at ${threshold} tok`,
  keepLastTurns: (turns) => `keep ${turns}`,
  correctorTrigger: (trigger) => trigger,
};

/** A short label: "agent: simulated-large, 512 tok · summarizer: at 4000 tok, keep 2" (nodes sorted by id). */
export function describeAllocation(allocation: Allocation): string {
  const parts: string[] = [];
  for (const nodeId of Object.keys(allocation).sort()) {
    const knobs = allocation[nodeId]!;
    const labels = KNOB_NAMES.filter((knob) => knobs[knob] !== undefined).map((knob) =>
      (KNOB_LABELS[knob] as (value: unknown) => string)(knobs[knob]),
    );
    if (labels.length > 0) parts.push(`${nodeId}: ${labels.join(', ')}`);
  }
  return parts.length > 0 ? parts.join(' · ') : '(the graph as saved)';
}
