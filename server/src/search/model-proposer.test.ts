import type { SearchSpace } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { LARGE, RULE, SMALL, searchContext } from '../testing/search.ts';
import { ModelProposer, type TrialRecord, validateProposal } from './methods.ts';
import { parseProposerReply } from './model-proposer.ts';
import { allocationKey } from './space.ts';

const SPACE: SearchSpace = {
  agent: { model: [SMALL, LARGE], maxOutputTokens: [256, 512] },
  summarizer: { summarizerThreshold: [2000, 4000] },
};
const context = searchContext(SPACE);
const first = { agent: { model: LARGE, maxOutputTokens: 512 }, summarizer: { summarizerThreshold: 4000 } };
const second = { agent: { model: SMALL, maxOutputTokens: 256 }, summarizer: { summarizerThreshold: 2000 } };
const HISTORY: TrialRecord[] = [
  // agent large 4 × 512 = 2048 + summarizer 512 + corrector 1024 = 3584
  { allocation: first, key: allocationKey(first), score: 0.42, compute: 12345.6, declaredCost: 3584 },
  // agent small 1 × 256 + 512 + 1024 = 1792
  { allocation: second, key: allocationKey(second), score: null, compute: null, declaredCost: 1792 },
];

/** A proposer whose model answers with the given replies in turn, keeping the messages it was sent. */
function scripted(...replies: string[]) {
  const seen: { role: string; content: string }[][] = [];
  const proposer = new ModelProposer(async (messages) => {
    seen.push(messages);
    return replies.shift() ?? '';
  }, context);
  return { proposer, seen };
}

const reply = {
  allocations: [
    {
      allocation: {
        agent: { model: SMALL, maxOutputTokens: 512 },
        summarizer: { summarizerThreshold: 4000 },
      },
      reason: 'small agent, more tokens',
    },
    {
      allocation: {
        agent: { model: LARGE, maxOutputTokens: 256 },
        summarizer: { summarizerThreshold: 2000 },
      },
      reason: 'large agent, short',
    },
  ],
  lesson: 'the large agent helps; tokens matter less',
};

describe('ModelProposer', () => {
  it('returns the allocations of a JSON reply with their reasons, and keeps the lesson', async () => {
    const { proposer } = scripted(JSON.stringify(reply));
    const proposals = await proposer.next(HISTORY, 2);
    expect(proposals).toEqual([
      { allocation: reply.allocations[0]!.allocation, rationale: 'small agent, more tokens' },
      { allocation: reply.allocations[1]!.allocation, rationale: 'large agent, short' },
    ]);
    expect(proposer.lastLesson).toBe('the large agent helps; tokens matter less');
    for (const p of proposals)
      expect(validateProposal(p.allocation, context.graph, SPACE, RULE, context.defaults).ok).toBe(true);
  });

  it('reads JSON in a fence after leading prose, and keeps no more than asked', async () => {
    const { proposer } = scripted(
      `Looking at the history, the large agent did best.\n\`\`\`json\n${JSON.stringify(reply, null, 2)}\n\`\`\`\nGood luck.`,
    );
    const proposals = await proposer.next(HISTORY, 1);
    expect(proposals).toEqual([
      { allocation: reply.allocations[0]!.allocation, rationale: 'small agent, more tokens' },
    ]);
  });

  it('reads JSON after a thinking block and prose without a fence', async () => {
    const { proposer } = scripted(`<think>maybe {"x": 1}?</think>Here: ${JSON.stringify(reply)}`);
    expect(await proposer.next(HISTORY, 2)).toHaveLength(2);
  });

  it('turns a reply that is not JSON into one refused proposal', async () => {
    const { proposer } = scripted('I think the agent should use the large model.');
    const proposals = await proposer.next(HISTORY, 2);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]!.allocation).toBeNull();
    expect(proposals[0]!.refused).toMatch(
      /^the proposer's reply is not valid JSON: .*\(reply began "I think the agent/,
    );
    expect(proposer.lastLesson).toBeNull();
  });

  it('refuses JSON without an allocations list', async () => {
    const { proposer } = scripted('{"allocation": {}}');
    const [proposal] = await proposer.next(HISTORY, 1);
    expect(proposal!.refused).toMatch(/^the proposer's reply has no "allocations" list/);
  });

  it('passes an unknown knob through for validateProposal to refuse', async () => {
    const allocation = {
      agent: { model: SMALL, maxOutputTokens: 512, samples: 4 },
      summarizer: { summarizerThreshold: 4000 },
    };
    const { proposer } = scripted(
      JSON.stringify({ allocations: [{ allocation, reason: 'sample more' }], lesson: 'x' }),
    );
    const [proposal] = await proposer.next(HISTORY, 1);
    const check = validateProposal(proposal!.allocation, context.graph, SPACE, RULE, context.defaults);
    expect(check).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the allocation has no knob 'samples' \(at agent\)/),
    });
  });

  it('shows the roles, knobs, budget rule with weights, the full history and earlier lessons', async () => {
    const { proposer, seen } = scripted(
      JSON.stringify(reply),
      JSON.stringify({ ...reply, lesson: 'second lesson' }),
    );
    await proposer.next(HISTORY, 2);
    await proposer.next(HISTORY, 3);
    const [system, user] = seen[1]!;
    expect(system!.role).toBe('system');
    expect(system!.content).toContain('"allocations"');
    const prompt = user!.content;
    expect(prompt).toContain('- agent (agent): Reasons over the context');
    expect(prompt).toContain(
      '- executor (executor): Runs the action in the environment; ends the turn. Calls no model.',
    );
    expect(prompt).toContain(
      '- agent.model: {"endpointId":"box","model":"small"} | {"endpointId":"box","model":"large"}',
    );
    expect(prompt).toContain('- summarizer.summarizerThreshold: 2000 | 4000');
    expect(prompt).toContain('(output weight of the model it calls) × (its max output tokens)');
    expect(prompt).toContain('Budget: 4000.');
    expect(prompt).toContain('- large: input 2, output 4');
    expect(prompt).toContain('## History (2 trials)');
    expect(prompt).toContain(
      `1. ${JSON.stringify(first)} (agent: large, 512 tok · summarizer: at 4000 tok): dev score 0.42, measured compute 12345.6 per run, declared cost 3584`,
    );
    expect(prompt).toContain('2. ');
    expect(prompt).toContain(
      'no score (not finished or errored), measured compute unknown, declared cost 1792',
    );
    expect(prompt).toContain('- Round 1: the large agent helps; tokens matter less');
    expect(prompt).toContain('Propose exactly 3 new allocations.');
    expect(proposer.lessons).toEqual(['the large agent helps; tokens matter less', 'second lesson']);
  });

  it('starts from the lessons of earlier rounds', async () => {
    let prompt = '';
    const proposer = new ModelProposer(
      async (messages) => {
        prompt = messages[1]!.content;
        return JSON.stringify(reply);
      },
      { ...context, lessons: ['an old lesson'] },
    );
    await proposer.next([], 2);
    expect(prompt).toContain('- Round 1: an old lesson');
    expect(prompt).toContain('No trials yet');
  });
});

describe('parseProposerReply', () => {
  it('names the parse error', () => {
    const parsed = parseProposerReply('{"allocations": [');
    expect(parsed.ok).toBe(false);
    expect(parseProposerReply('')).toEqual({ ok: false, error: 'the reply is empty (reply began "")' });
  });
});
