import { mulberry32 } from '../experiments/stats.ts';
import { candidatePool, drawWithoutReplacement, roundSeed } from './candidates.ts';
import type { Proposal, Proposer, SearchContext, TrialRecord } from './methods.ts';

export type RandomProposerOptions = SearchContext;

/**
 * Uniform over the grid's allocations within the budget, without replacement: allocations already in the
 * history are never proposed again. Seeded: the same seed and history give the same proposals, so a search
 * resumed after a restart proposes what it would have.
 */
export class RandomProposer implements Proposer {
  constructor(
    private readonly context: RandomProposerOptions,
    private readonly seed: number,
  ) {}

  async next(history: readonly TrialRecord[], count: number): Promise<Proposal[]> {
    const random = mulberry32(roundSeed(this.seed, history.length));
    const pool = candidatePool(this.context, new Set(history.map((t) => t.key)), random);
    const rationale = `drawn at random from ${pool.length} untried allocations within the budget`;
    return drawWithoutReplacement(pool, count, random).map((c) => ({ allocation: c.allocation, rationale }));
  }
}
