/**
 * The proposer of bench/search-methods.ts as a scripted rule instead of a model: an `ask` that reads the history
 * from the proposer's prompt, as a model would, and answers with the JSON a model would, so its proposals go
 * through the real ModelProposer parsing and the search's validation.
 *
 * The rule, one-knob hill climbing from the cheapest allocation:
 * - First round: the start (every model knob on its lowest-weight model, every token cap at its smallest, every
 *   other knob as the saved graph has it), then the start's one-knob neighbours.
 * - Later rounds: the untried one-knob neighbours of the best trial so far (highest dev score, then lowest measured
 *   compute, then earliest), then of the second best, and so on, until the batch is full.
 * - Neighbours are taken knob by knob in a fixed order (the space's canonical order: nodes by id, then knobs;
 *   `reverse` turns it round), each knob's values in the order the space lists them; over-budget and tried
 *   allocations are skipped.
 */

import type { KnobValue } from '../server/src/search/knobs.ts';
import type { AskModel, SearchContext } from '../server/src/search/methods.ts';
import { validateProposal } from '../server/src/search/methods.ts';
import type { Allocation, GraphNode, KnobName } from '../shared/src/index.ts';

type Value = KnobValue;

/** A value as the rule's reasons write it: a model by its name alone (the endpoint's id changes run to run). */
const show = (value: Value) => (typeof value === 'object' ? value.model : JSON.stringify(value));

interface Knob {
  nodeId: string;
  knob: KnobName;
  values: Value[];
}

/** One trial as the prompt's history shows it. */
export interface SeenTrial {
  index: number;
  allocation: Allocation;
  score: number | null;
  compute: number | null;
}

const KNOB_ORDER: KnobName[] = [
  'model',
  'maxOutputTokens',
  'thinking',
  'temperature',
  'summarizerThreshold',
  'keepLastTurns',
  'correctorTrigger',
];

function knobsOf(context: SearchContext): Knob[] {
  const knobs: Knob[] = [];
  for (const nodeId of Object.keys(context.space).sort()) {
    for (const knob of KNOB_ORDER) {
      const values = context.space[nodeId]![knob] as Value[] | undefined;
      if (values?.length) knobs.push({ nodeId, knob, values });
    }
  }
  return knobs;
}

/** What the saved graph sets for a knob that does not change the declared cost. */
function savedValue(node: GraphNode | undefined, knob: KnobName): unknown {
  if (!node || !('llm' in node.config)) return undefined;
  const config = node.config as Record<string, unknown> & {
    llm: { thinking: boolean; params: { temperature?: number } };
  };
  switch (knob) {
    case 'thinking':
      return config.llm.thinking;
    case 'temperature':
      return config.llm.params.temperature;
    case 'summarizerThreshold':
      return (config.trigger as { threshold?: number } | undefined)?.threshold;
    case 'keepLastTurns':
      return config.keepLastTurns;
    case 'correctorTrigger':
      return config.trigger;
    default:
      return undefined;
  }
}

function startingPoint(knobs: readonly Knob[], context: SearchContext): Allocation {
  const weight = (value: Value) =>
    typeof value === 'object' ? (context.rule.weights[value.model]?.output ?? 1) : 0;
  const start: Record<string, Record<string, Value>> = {};
  const node = (id: string) => context.graph.nodes.find((n) => n.id === id);
  for (const { nodeId, knob, values } of knobs) {
    let value: Value;
    if (knob === 'model') value = [...values].sort((a, b) => weight(a) - weight(b))[0]!;
    else if (knob === 'maxOutputTokens') value = Math.min(...(values as number[]));
    else value = values.find((v) => v === savedValue(node(nodeId), knob)) ?? values[0]!;
    start[nodeId] = { ...start[nodeId], [knob]: value };
  }
  return start as Allocation;
}

/** The allocations one knob away, knob by knob, each with the change that makes it. */
function neighbours(
  allocation: Allocation,
  knobs: readonly Knob[],
): { allocation: Allocation; change: string }[] {
  const out: { allocation: Allocation; change: string }[] = [];
  for (const { nodeId, knob, values } of knobs) {
    const current = JSON.stringify(allocation[nodeId]?.[knob]);
    for (const value of values) {
      if (JSON.stringify(value) === current) continue;
      out.push({
        allocation: { ...allocation, [nodeId]: { ...allocation[nodeId], [knob]: value } } as Allocation,
        change: `${nodeId}.${knob} = ${show(value)}`,
      });
    }
  }
  return out;
}

const HISTORY_LINE =
  /^(\d+)\. (\{\S*\}) \(.*\): (?:dev score (\S+)|no score[^,]*), (?:measured compute (\S+) per run|measured compute unknown), declared cost \S+$/;

/** The history and the number of allocations asked for, read from the proposer's prompt. */
export function readPrompt(prompt: string): { history: SeenTrial[]; count: number } {
  const lines = prompt.split('\n');
  const header = lines.findIndex((line) => line.startsWith('## History ('));
  const expected = Number(/\((\d+) trials?\)/.exec(lines[header] ?? '')?.[1]);
  const history: SeenTrial[] = [];
  for (const line of lines.slice(header + 1)) {
    const match = HISTORY_LINE.exec(line);
    if (!match) continue;
    history.push({
      index: Number(match[1]) - 1,
      allocation: JSON.parse(match[2]!) as Allocation,
      score: match[3] === undefined ? null : Number(match[3]),
      compute: match[4] === undefined ? null : Number(match[4]),
    });
  }
  const count = Number(/^Propose exactly (\d+) new allocations?\.$/m.exec(prompt)?.[1]);
  if (header < 0 || history.length !== expected || !Number.isInteger(count)) {
    throw new Error(
      `the scripted proposer could not read the prompt (history header ${header}, ${history.length} of ${expected} trials read, count ${count}): has the prompt's format changed?`,
    );
  }
  return { history, count };
}

/** Best first: highest dev score, then lowest measured compute, then earliest (as the search picks its best). */
function ranked(history: readonly SeenTrial[]): SeenTrial[] {
  return history
    .filter((t) => t.score !== null)
    .sort(
      (a, b) => b.score! - a.score! || (a.compute ?? Infinity) - (b.compute ?? Infinity) || a.index - b.index,
    );
}

function label(allocation: Allocation, knobs: readonly Knob[]): string {
  return knobs
    .map(({ nodeId, knob }) => `${nodeId}.${knob}=${show(allocation[nodeId]![knob] as Value)}`)
    .join(', ');
}

/**
 * The rule as a proposer model: `ask` for ModelProposer (through SearchDeps.ask). `order: 'reverse'` walks the
 * knobs from the last to the first.
 */
export function scriptedRule(
  context: SearchContext,
  options: { order?: 'canonical' | 'reverse' } = {},
): AskModel {
  const canonical = knobsOf(context);
  const knobs = options.order === 'reverse' ? [...canonical].reverse() : canonical;
  const check = (allocation: Allocation) =>
    validateProposal(allocation, context.graph, context.space, context.rule, context.defaults);
  return async (messages) => {
    const { history, count } = readPrompt(messages.at(-1)!.content);
    const taken = new Set<string>();
    for (const trial of history) {
      const checked = check(trial.allocation);
      if (checked.ok) taken.add(checked.key);
    }
    const picked: { allocation: Allocation; reason: string }[] = [];
    const offer = (allocation: Allocation, reason: string) => {
      const checked = check(allocation);
      if (picked.length >= count || !checked.ok || taken.has(checked.key)) return;
      taken.add(checked.key);
      picked.push({ allocation, reason });
    };
    const order = ranked(history);
    if (history.length === 0) {
      const start = startingPoint(knobs, context);
      offer(start, 'the start: the cheapest allocation');
      for (const next of neighbours(start, knobs)) offer(next.allocation, `the start with ${next.change}`);
    }
    for (const base of order) {
      for (const next of neighbours(base.allocation, knobs)) {
        offer(
          next.allocation,
          `trial ${base.index + 1} (dev ${(100 * base.score!).toFixed(1)}) with ${next.change}`,
        );
      }
    }
    const best = order[0];
    const lesson = best
      ? `best so far: trial ${best.index + 1} (${label(best.allocation, canonical)}) at dev score ${best.score}; trying its untried one-knob changes`
      : 'no scores yet';
    return JSON.stringify({ allocations: picked, lesson });
  };
}
