import { type Allocation, KNOB_NAMES, type KnobName, type ModelChoice } from '@trellis/shared';

/*
 * Allocations as people read them, in the words the server's describeAllocation uses (so a trial's label here
 * matches the one in its experiment's name and the saved version's message): nodes sorted by id, knobs in
 * KNOB_NAMES order.
 */

type KnobValueOf<K extends KnobName> = NonNullable<Allocation[string][K]>;

const KNOB_LABELS: { [K in KnobName]: (value: KnobValueOf<K>) => string } = {
  model: (choice) => choice.model,
  maxOutputTokens: (tokens) => `${tokens} tok`,
  thinking: (on) => (on ? 'thinking' : 'no thinking'),
  temperature: (t) => `T ${t}`,
  summarizerThreshold: (threshold) => `at ${threshold} tok`,
  keepLastTurns: (turns) => `keep ${turns}`,
  correctorTrigger: (trigger) => trigger,
};

/** One knob's value as a short label: "simulated-large", "512 tok", "T 0.7", "after_failure". */
export function describeKnobValue<K extends KnobName>(knob: K, value: KnobValueOf<K>): string {
  return KNOB_LABELS[knob](value);
}

/** The label of a node's knobs: "simulated-large, 512 tok"; empty when none is set. */
export function describeNodeKnobs(knobs: Allocation[string]): string {
  return KNOB_NAMES.filter((knob) => knobs[knob] !== undefined)
    .map((knob) => (KNOB_LABELS[knob] as (value: unknown) => string)(knobs[knob]))
    .join(', ');
}

/** "agent: simulated-large, 512 tok · corrector: always"; "(the graph as saved)" when nothing is set. */
export function describeAllocation(allocation: Allocation): string {
  const parts = Object.keys(allocation)
    .sort()
    .flatMap((nodeId) => {
      const label = describeNodeKnobs(allocation[nodeId]!);
      return label ? [`${nodeId}: ${label}`] : [];
    });
  return parts.length > 0 ? parts.join(' · ') : '(the graph as saved)';
}

/** A model choice as the form lists it: "simulated-large · sim". */
export function describeModelChoice(choice: ModelChoice, endpointName: (id: string) => string): string {
  return `${choice.model} · ${endpointName(choice.endpointId)}`;
}
