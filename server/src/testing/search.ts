import { type Allocation, type ComputeRule, type Graph, preset, type SearchSpace } from '@trellis/shared';
import type { Proposer, SearchContext, TrialRecord } from '../search/methods.ts';
import { validateProposal } from '../search/methods.ts';

/** The three-role preset (summarizer 512, agent 1536, corrector 1024 max output tokens; no model bound). */
export function threeRoles(): Graph {
  return preset('three-roles').graph;
}

export const SMALL = { endpointId: 'box', model: 'small' } as const;
export const LARGE = { endpointId: 'box', model: 'large' } as const;

/** small weighs 1 per token, large 2 per input and 4 per output token. */
export const RULE: ComputeRule = {
  weights: { small: { input: 1, output: 1 }, large: { input: 2, output: 4 } },
  budget: 4000,
};

export function searchContext(space: SearchSpace, rule: ComputeRule = RULE): SearchContext {
  return { graph: threeRoles(), space, rule, defaults: { model: 'small' } };
}

export interface SimulatedSearch {
  history: TrialRecord[];
  /** 1-based trial at which `target` was first run; null if never. */
  foundAt: number | null;
  refused: string[];
}

/**
 * Drives a proposer as a search would, scoring each valid proposal with `objective` at once: rounds of `batch`
 * proposals until `maxTrials` have run, the target key is reached, or the proposer runs dry.
 */
export async function simulateSearch(
  proposer: Proposer,
  context: SearchContext,
  objective: (allocation: Allocation) => number,
  options: { batch: number; maxTrials: number; targetKey?: string },
): Promise<SimulatedSearch> {
  const history: TrialRecord[] = [];
  const refused: string[] = [];
  let foundAt: number | null = null;
  while (history.length < options.maxTrials && foundAt === null) {
    const proposals = await proposer.next(
      history,
      Math.min(options.batch, options.maxTrials - history.length),
    );
    if (proposals.length === 0) break;
    for (const proposal of proposals) {
      const check = validateProposal(
        proposal.allocation,
        context.graph,
        context.space,
        context.rule,
        context.defaults,
      );
      if (!check.ok) {
        refused.push(check.reason);
        continue;
      }
      const score = objective(check.allocation);
      history.push({
        allocation: check.allocation,
        key: check.key,
        score,
        compute: null,
        declaredCost: check.cost,
      });
      if (check.key === options.targetKey && foundAt === null) foundAt = history.length;
    }
  }
  return { history, foundAt, refused };
}
