import {
  type Allocation,
  KNOB_NAMES,
  type KnobName,
  type ModelChoice,
  type NodeKnobs,
  type SearchSpace,
} from '@trellis/shared';

/** One value a knob may take: a model choice, a number, a flag or a corrector trigger. */
export type KnobValue = NonNullable<NodeKnobs[KnobName]>[number];

/** A knob the space searches on one node, with its distinct values in the order the space lists them. */
export interface SearchedKnob {
  nodeId: string;
  knob: KnobName;
  values: readonly KnobValue[];
}

/** Knobs that choose among labels rather than along a scale (one-hot encoded by the Bayesian proposer). */
export const CATEGORICAL_KNOBS: ReadonlySet<KnobName> = new Set(['model', 'thinking', 'correctorTrigger']);

/** Knobs that set how a node calls its model, as opposed to what a kind does between calls. */
export const MODEL_KNOBS: ReadonlySet<KnobName> = new Set([
  'model',
  'maxOutputTokens',
  'thinking',
  'temperature',
]);

const isModelChoice = (value: unknown): value is ModelChoice =>
  value !== null && typeof value === 'object' && 'endpointId' in value && 'model' in value;

/** A value as text, one per distinct value: models by endpoint and model, the rest as JSON. */
export function valueKey(value: KnobValue): string {
  return isModelChoice(value) ? `${value.endpointId}/${value.model}` : JSON.stringify(value);
}

/** Whether two values are the same choice (models compare endpoint and model). */
export function sameValue(a: KnobValue, b: KnobValue): boolean {
  return valueKey(a) === valueKey(b);
}

/**
 * The knobs a space searches, in the canonical order every grid, key and vector uses: node ids sorted, knobs in
 * KNOB_NAMES order. Knobs with no values are not searched; repeated values count once.
 */
export function searchedKnobs(space: SearchSpace): SearchedKnob[] {
  const knobs: SearchedKnob[] = [];
  for (const nodeId of Object.keys(space).sort()) {
    const node = space[nodeId]!;
    for (const knob of KNOB_NAMES) {
      const values = (node[knob] ?? []) as readonly KnobValue[];
      const distinct = values.filter((v, i) => values.findIndex((w) => sameValue(v, w)) === i);
      if (distinct.length > 0) knobs.push({ nodeId, knob, values: distinct });
    }
  }
  return knobs;
}

/** The value an allocation gives a knob on a node, if any. */
export function allocatedValue(
  allocation: Allocation,
  nodeId: string,
  knob: KnobName,
): KnobValue | undefined {
  return allocation[nodeId]?.[knob] as KnobValue | undefined;
}

/** Sets a knob's value in an allocation being built, in place. */
export function setValue(allocation: Allocation, nodeId: string, knob: KnobName, value: KnobValue): void {
  allocation[nodeId] = { ...allocation[nodeId], [knob]: value };
}
