import { type Graph, type GraphNodeOf, preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import type { ItemOutcome } from '../store/experiments.ts';
import { sampleFailures, scoreOutcomes } from './evaluation.ts';
import { compactGraph } from './meta-agent.ts';
import { readProposal, validationProblems } from './proposal.ts';

const baseline = (): Graph => preset('react-baseline').graph;

describe('reading a proposal', () => {
  it('completes a whole graph from its parent: left-out config, positions, edges and limits are kept', () => {
    const parent = baseline();
    const compact = compactGraph(parent) as { nodes: { config: unknown }[] };
    const reply = JSON.stringify({
      analysis: 'the agent repeats failing code',
      label: 'add a corrector',
      graph: {
        nodes: [
          { id: 'agent', kind: 'agent', config: { budget: { maxOutputTokens: 2048 } } },
          { id: 'corrector', kind: 'corrector' },
          { id: 'executor', kind: 'executor', config: compact.nodes[1]!.config },
        ],
        edges: [
          { id: 'a', from: 'agent', to: 'corrector' },
          { id: 'b', from: 'corrector', to: 'executor' },
        ],
      },
    });
    const read = readProposal(reply, parent);

    expect(read.problems).toEqual([]);
    expect(read).toMatchObject({ analysis: 'the agent repeats failing code', label: 'add a corrector' });
    const graph = read.graph!;
    expect(graph.name).toBe(parent.name);
    expect(graph.limits).toEqual(parent.limits);
    const agent = graph.nodes.find((n) => n.id === 'agent') as GraphNodeOf<'agent'>;
    const before = parent.nodes.find((n) => n.id === 'agent') as GraphNodeOf<'agent'>;
    expect(agent.config.budget.maxOutputTokens).toBe(2048);
    expect(agent.config.prompts).toEqual(before.config.prompts);
    expect(agent.position).toEqual(before.position);
    const corrector = graph.nodes.find((n) => n.id === 'corrector') as GraphNodeOf<'corrector'>;
    expect(corrector.config.trigger).toBe('after_failure');
    expect(corrector.label).toBe('Corrector');
    expect(corrector.position.x).toBeGreaterThan(Math.max(...parent.nodes.map((n) => n.position.x)));
    expect(graph.edges.map((e) => [e.from, e.to, e.when.type])).toEqual([
      ['agent', 'corrector', 'always'],
      ['corrector', 'executor', 'always'],
    ]);
    expect(validationProblems(graph, new Set(), 'box')).toEqual([]);
  });

  it('applies settings by node id and dotted key, read from a fenced block after prose', () => {
    const reply = `<think>hmm</think>Lower the temperature.\n\`\`\`json\n${JSON.stringify({
      analysis: 'a',
      label: 'cool',
      settings: { agent: { 'llm.params.temperature': 0.1 } },
    })}\n\`\`\``;
    const read = readProposal(reply, baseline());
    expect(read.problems).toEqual([]);
    const agent = read.graph!.nodes.find((n) => n.id === 'agent') as GraphNodeOf<'agent'>;
    expect(agent.config.llm.params.temperature).toBe(0.1);
  });

  it('names what is wrong: not JSON, neither form, a bad value at its node, an unknown setting', () => {
    const parent = baseline();
    expect(readProposal('no idea', parent).problems).toEqual([
      { stage: 'reply', message: expect.stringContaining('not valid JSON') },
    ]);
    expect(readProposal('{"analysis": "x"}', parent).problems).toEqual([
      { stage: 'reply', message: 'the reply has neither a "graph" object nor a "settings" object' },
    ]);
    const badValue = readProposal(
      JSON.stringify({
        graph: { nodes: [{ id: 'agent', kind: 'agent', config: { budget: { maxOutputTokens: -1 } } }] },
      }),
      parent,
    );
    expect(badValue.problems).toEqual([
      { stage: 'schema', message: expect.stringMatching(/^node 'agent' config\.budget\.maxOutputTokens: /) },
    ]);
    const unknown = readProposal(JSON.stringify({ settings: { agent: { 'llm.warmth': 1 } } }), parent);
    expect(unknown.problems).toEqual([{ stage: 'schema', message: expect.stringContaining("'llm.warmth'") }]);
  });

  it('leaves graph validation to validateGraph: an executor-less graph is refused for a run', () => {
    const read = readProposal(
      JSON.stringify({ graph: { nodes: [{ id: 'agent', kind: 'agent' }], edges: [] } }),
      baseline(),
    );
    expect(read.problems).toEqual([]);
    const problems = validationProblems(read.graph!, new Set(), null);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/no executor/);
    expect(problems.map((p) => p.message).join('\n')).toMatch(/has no endpoint/);
  });
});

function outcome(
  position: number,
  runStatus: ItemOutcome['runStatus'],
  error: string | null = null,
): ItemOutcome {
  return {
    position,
    arm: 0,
    taskId: 'notes_pin_1',
    scenario: 'notes_pin',
    difficulty: 1,
    repeat: 0,
    seed: 1,
    status: 'done',
    runId: `run_${position}`,
    runStatus,
    attempts: 1,
    previousRunIds: [],
    error: null,
    success: runStatus === 'succeeded',
    runError: error,
    steps: 10,
    totals: {
      steps: 10,
      llmCalls: 10,
      promptTokens: 900,
      completionTokens: 100 * (position + 1),
      durationMs: 1,
      byRole: {},
    },
    models: ['simulated-small'],
  };
}

describe('scoring and failure samples', () => {
  it('scores TGC over finished runs with its interval, and tokens per run', () => {
    const { score, cost, errored } = scoreOutcomes([
      outcome(0, 'succeeded'),
      outcome(1, 'failed'),
      outcome(2, 'errored'),
      outcome(3, 'cancelled'),
    ]);
    expect(score).toMatchObject({ rate: 1 / 3, successes: 1, n: 3 });
    expect(score.low).toBeLessThan(1 / 3);
    expect(cost).toBe(900 + 200);
    expect(errored).toBe(false);
    expect(scoreOutcomes([outcome(0, 'errored')]).errored).toBe(true);
  });

  it('spreads the sample over causes and reads observations only for the runs chosen', async () => {
    const outcomes = [
      outcome(0, 'failed', 'reached the step limit of 40'),
      outcome(1, 'failed', 'reached the step limit of 40'),
      outcome(2, 'failed', 'reached the step limit of 40'),
      outcome(3, 'failed', null),
      outcome(4, 'errored', 'model call failed'),
      outcome(5, 'succeeded'),
    ];
    const asked: string[] = [];
    const { failures, failedRuns } = await sampleFailures(outcomes, 3, async (runId) => {
      asked.push(runId);
      return `${'x'.repeat(1000)} Traceback: KeyError`;
    });
    expect(failedRuns).toBe(5);
    expect(failures.map((f) => [f.runId, f.cause])).toEqual([
      ['run_0', 'step limit'],
      ['run_3', 'wrong answer'],
      ['run_4', 'errored'],
    ]);
    expect(asked).toEqual(['run_0', 'run_3', 'run_4']);
    expect(failures[0]!.instruction).toMatch(/\S/);
    expect(failures[0]!.lastObservation!.length).toBeLessThanOrEqual(600);
    expect(failures[0]!.lastObservation).toMatch(/KeyError$/);
  });
});
