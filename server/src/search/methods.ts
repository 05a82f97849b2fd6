import {
  type Allocation,
  AllocationSchema,
  type ComputeRule,
  type Graph,
  KNOB_NAMES,
  type KnobName,
  type SearchSpace,
} from '@trellis/shared';
import { declaredCost, type ModelDefaults } from './compute.ts';
import { type KnobValue, sameValue, searchedKnobs, setValue } from './knobs.ts';
import { allocationKey, describeValue } from './space.ts';

export { BayesianProposer, type BayesianProposerOptions } from './bayesian.ts';
export { type AskModel, ModelProposer, type ModelProposerOptions } from './model-proposer.ts';
export { RandomProposer, type RandomProposerOptions } from './random.ts';

/** One allocation a search has tried, as a proposer sees it. */
export interface TrialRecord {
  allocation: Allocation;
  key: string;
  /** Dev score (a fraction); null while running, or when the trial errored. */
  score: number | null;
  /** Measured compute per run; null until measured. */
  compute: number | null;
  declaredCost: number;
}

/** A candidate allocation, unchecked: the caller validates it with validateProposal. */
export interface Proposal {
  allocation: unknown;
  rationale?: string;
  /** Set when the proposer itself failed to produce an allocation (an unreadable reply): the caller records it refused. */
  refused?: string;
}

/** Anything that turns a search's history into its next candidates: random, Bayesian, a model. */
export interface Proposer {
  /** Up to `count` proposals (fewer when the proposer has run out of unseen allocations). */
  next(history: readonly TrialRecord[], count: number): Promise<Proposal[]>;
}

export type ProposalCheck =
  | { ok: true; allocation: Allocation; key: string; cost: number }
  | { ok: false; reason: string };

/** The context a proposal is checked and costed in. */
export interface SearchContext {
  graph: Graph;
  space: SearchSpace;
  rule: ComputeRule;
  defaults: ModelDefaults;
}

const round = (n: number) => Number(n.toPrecision(6));

function shapeProblem(raw: unknown): string | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'the allocation is not an object';
  const parsed = AllocationSchema.safeParse(raw);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0]!;
  const at = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return `the allocation has no knob ${issue.keys.map((k) => `'${k}'`).join(', ')}${at ? ` (at ${at})` : ''}; knobs: ${KNOB_NAMES.join(', ')}`;
  }
  return `the allocation does not have the allocation's shape: ${at ? `${at}: ` : ''}${issue.message}`;
}

/** What the allocation sets that the space does not search, values outside the space, and knobs left unset. */
function spaceProblems(allocation: Allocation, space: SearchSpace): string[] {
  const knobs = searchedKnobs(space);
  const problems: string[] = [];
  const searchedNodes = [...new Set(knobs.map((k) => k.nodeId))];
  for (const [nodeId, node] of Object.entries(allocation)) {
    if (!searchedNodes.includes(nodeId)) {
      problems.push(`node '${nodeId}' is not in the search space (searched: ${searchedNodes.join(', ')})`);
      continue;
    }
    const searchedHere = knobs.filter((k) => k.nodeId === nodeId);
    for (const knob of Object.keys(node) as KnobName[]) {
      const value = node[knob] as KnobValue | undefined;
      if (value === undefined) continue;
      const searched = searchedHere.find((k) => k.knob === knob);
      if (!searched) {
        const names = searchedHere.map((k) => k.knob).join(', ');
        problems.push(`knob '${knob}' is not searched on node '${nodeId}' (searched there: ${names})`);
      } else if (!searched.values.some((v) => sameValue(v, value))) {
        const values = searched.values.map(describeValue).join(', ');
        problems.push(
          `knob '${knob}' on node '${nodeId}' has no value ${describeValue(value)} (values: ${values})`,
        );
      }
    }
  }
  for (const knob of knobs) {
    if (allocation[knob.nodeId]?.[knob.knob] === undefined) {
      problems.push(
        `knob '${knob.knob}' on node '${knob.nodeId}' is not set (every searched knob needs a value)`,
      );
    }
  }
  return problems;
}

/** The allocation with the space's own values (so a model choice is the space's object) in canonical order. */
function normalised(allocation: Allocation, space: SearchSpace): Allocation {
  const out: Allocation = {};
  for (const knob of searchedKnobs(space)) {
    const value = allocation[knob.nodeId]?.[knob.knob] as KnobValue;
    setValue(out, knob.nodeId, knob.knob, knob.values.find((v) => sameValue(v, value))!);
  }
  return out;
}

/**
 * Checks a proposed allocation before it runs: an object of the allocation's shape, only nodes and knobs the space
 * searches, only values the space lists (models compare endpoint and model), every searched knob set, and a
 * declared cost within the budget. On success, the allocation (in canonical order), its key and its declared cost.
 * Every structural problem is named in one reason, so a model proposer can learn from it.
 */
export function validateProposal(
  raw: unknown,
  graph: Graph,
  space: SearchSpace,
  rule: ComputeRule,
  defaults: ModelDefaults,
): ProposalCheck {
  const shape = shapeProblem(raw);
  if (shape) return { ok: false, reason: shape };
  const problems = spaceProblems(raw as Allocation, space);
  if (problems.length > 0) return { ok: false, reason: problems.join('; ') };
  const allocation = normalised(raw as Allocation, space);
  const cost = declaredCost(graph, allocation, rule, defaults);
  if (cost > rule.budget) {
    return { ok: false, reason: `declared cost ${round(cost)} is over the budget of ${round(rule.budget)}` };
  }
  return { ok: true, allocation, key: allocationKey(allocation), cost };
}
