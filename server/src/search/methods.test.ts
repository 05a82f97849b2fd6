import type { SearchSpace } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { LARGE, RULE, SMALL, searchContext, threeRoles } from '../testing/search.ts';
import { RandomProposer, type TrialRecord, validateProposal } from './methods.ts';
import { allocationKey, spaceSize } from './space.ts';

// 2 models × 3 token limits on the agent × 2 summarizer thresholds = 12 allocations.
// Declared cost with the default model small (output weight 1) for the summarizer (512) and corrector (1024):
// agent small: 1 × tokens + 1536 → 1792, 2048, 2560; agent large: 4 × tokens + 1536 → 2560, 3584, 5632.
// The budget is 4000, so only agent large at 1024 tokens (5632) is over it: 2 of the 12, leaving 10.
const SPACE: SearchSpace = {
  agent: { model: [SMALL, LARGE], maxOutputTokens: [256, 512, 1024] },
  summarizer: { summarizerThreshold: [2000, 4000] },
};
const validate = (raw: unknown) => validateProposal(raw, threeRoles(), SPACE, RULE, { model: 'small' });
const good = { agent: { model: LARGE, maxOutputTokens: 512 }, summarizer: { summarizerThreshold: 4000 } };
const refusal = (raw: unknown) => {
  const check = validate(raw);
  return check.ok ? null : check.reason;
};

describe('validateProposal', () => {
  it('accepts an allocation in the space within the budget, with its key and declared cost', () => {
    const check = validate({
      summarizer: { summarizerThreshold: 4000 },
      agent: { maxOutputTokens: 512, model: { model: 'large', endpointId: 'box' } },
    });
    // agent large 4 × 512 = 2048 + summarizer 512 + corrector 1024 = 3584
    expect(check).toEqual({ ok: true, allocation: good, key: allocationKey(good), cost: 3584 });
  });

  it('refuses what is not an allocation', () => {
    expect(refusal('agent large')).toBe('the allocation is not an object');
    expect(refusal([good])).toBe('the allocation is not an object');
    expect(refusal(null)).toBe('the allocation is not an object');
    expect(refusal({ agent: { maxOutputTokens: 'many' } })).toMatch(
      /^the allocation does not have the allocation's shape: agent\.maxOutputTokens: .*number/,
    );
    expect(refusal({ ...good, agent: { ...good.agent, samples: 3 } })).toBe(
      "the allocation has no knob 'samples' (at agent); knobs: model, maxOutputTokens, thinking, temperature, summarizerThreshold, keepLastTurns, correctorTrigger",
    );
  });

  it('refuses a node the space does not search', () => {
    expect(refusal({ ...good, corrector: { correctorTrigger: 'always' } })).toBe(
      "node 'corrector' is not in the search space (searched: agent, summarizer)",
    );
  });

  it('refuses a knob the space does not search on that node', () => {
    expect(refusal({ ...good, agent: { ...good.agent, temperature: 0.5 } })).toBe(
      "knob 'temperature' is not searched on node 'agent' (searched there: model, maxOutputTokens)",
    );
  });

  it("refuses a value not among the knob's values, models compared by endpoint and model", () => {
    expect(refusal({ ...good, agent: { ...good.agent, maxOutputTokens: 300 } })).toBe(
      "knob 'maxOutputTokens' on node 'agent' has no value 300 (values: 256, 512, 1024)",
    );
    expect(
      refusal({ ...good, agent: { ...good.agent, model: { endpointId: 'other', model: 'large' } } }),
    ).toBe("knob 'model' on node 'agent' has no value large on other (values: small on box, large on box)");
  });

  it('refuses an allocation that leaves a searched knob unset', () => {
    expect(refusal({ agent: good.agent })).toBe(
      "knob 'summarizerThreshold' on node 'summarizer' is not set (every searched knob needs a value)",
    );
    expect(refusal({ ...good, agent: { model: LARGE } })).toBe(
      "knob 'maxOutputTokens' on node 'agent' is not set (every searched knob needs a value)",
    );
  });

  it('refuses an allocation over the budget, naming its declared cost and the budget', () => {
    // agent large 4 × 1024 = 4096 + summarizer 512 + corrector 1024 = 5632 > 4000
    expect(refusal({ ...good, agent: { model: LARGE, maxOutputTokens: 1024 } })).toBe(
      'declared cost 5632 is over the budget of 4000',
    );
  });
});

async function drain(proposer: RandomProposer, batch: number): Promise<TrialRecord[][]> {
  const history: TrialRecord[] = [];
  const rounds: TrialRecord[][] = [];
  for (let round = 0; round < 10; round++) {
    const proposals = await proposer.next(history, batch);
    if (proposals.length === 0) break;
    const records = proposals.map((p) => {
      const check = validate(p.allocation);
      if (!check.ok) throw new Error(check.reason);
      return {
        allocation: check.allocation,
        key: check.key,
        score: 0.5,
        compute: null,
        declaredCost: check.cost,
      };
    });
    history.push(...records);
    rounds.push(records);
  }
  return rounds;
}

describe('RandomProposer', () => {
  it('proposes every allocation within the budget once, and nothing over it', async () => {
    expect(spaceSize(SPACE)).toBe(12);
    const rounds = await drain(new RandomProposer(searchContext(SPACE), 11), 3);
    // 10 within the budget in rounds of 3: 3, 3, 3, 1, then nothing is left.
    expect(rounds.map((r) => r.length)).toEqual([3, 3, 3, 1]);
    const keys = rounds.flat().map((t) => t.key);
    expect(new Set(keys).size).toBe(10);
    expect(Math.max(...rounds.flat().map((t) => t.declaredCost))).toBeLessThanOrEqual(RULE.budget);
  });

  it('is the same for the same seed and history, and differs with the seed', async () => {
    const order = async (seed: number) =>
      (await drain(new RandomProposer(searchContext(SPACE), seed), 3)).flat().map((t) => t.key);
    expect(await order(11)).toEqual(await order(11));
    expect(await order(11)).not.toEqual(await order(12));
  });

  it('samples a grid too large to list, still without repeats and within the budget', async () => {
    const twelve = Array.from({ length: 12 }, (_, i) => 128 * (i + 1));
    const big: SearchSpace = {
      agent: { maxOutputTokens: twelve, temperature: twelve.map((t) => t / 1536) },
      summarizer: { summarizerThreshold: twelve.map((t) => t * 10), keepLastTurns: twelve.map((_, i) => i) },
    };
    // 12^4 = 20,736 allocations, over the cap of 20,000.
    const context = searchContext(big);
    const proposer = new RandomProposer(context, 5);
    const history: TrialRecord[] = [];
    for (let round = 0; round < 5; round++) {
      for (const proposal of await proposer.next(history, 4)) {
        const check = validateProposal(proposal.allocation, context.graph, big, RULE, context.defaults);
        if (!check.ok) throw new Error(check.reason);
        history.push({
          allocation: check.allocation,
          key: check.key,
          score: 0,
          compute: null,
          declaredCost: check.cost,
        });
      }
    }
    expect(history).toHaveLength(20);
    expect(new Set(history.map((t) => t.key)).size).toBe(20);
  });
});
