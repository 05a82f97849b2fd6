import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/graph.ts';
import { preset } from '../graph/presets.ts';
import { applyNodeSettings, describeEditChange, diffGraphs } from './change.ts';

const threeRoles = (): Graph => JSON.parse(JSON.stringify(preset('three-roles').graph)) as Graph;
const nodeConfig = (graph: Graph, id: string) =>
  graph.nodes.find((n) => n.id === id)!.config as unknown as Record<string, Record<string, unknown>>;

describe('changing node settings by their field keys', () => {
  it('sets prompts and params and leaves the given graph as it was', () => {
    const graph = threeRoles();
    const before = JSON.stringify(graph);
    const result = applyNodeSettings(graph, {
      corrector: { 'prompts.system': 'Review strictly.' },
      agent: { 'llm.params.temperature': 0.1, 'budget.maxOutputTokens': 512 },
    });
    expect(result.issues).toEqual([]);
    expect(nodeConfig(result.graph!, 'corrector').prompts!.system).toBe('Review strictly.');
    expect((nodeConfig(result.graph!, 'agent').llm!.params as { temperature: number }).temperature).toBe(0.1);
    expect(JSON.stringify(graph)).toBe(before);
  });

  it('names an unknown node, with the nodes there are', () => {
    const result = applyNodeSettings(threeRoles(), { critic: { 'prompts.system': 'x' } });
    expect(result.graph).toBeNull();
    expect(result.issues).toEqual([
      expect.objectContaining({ code: 'unknown_node', path: ['nodes', 'critic'] }),
    ]);
    expect(result.issues[0]!.message).toContain('corrector');
  });

  it('names an unknown field at its node and key', () => {
    const typo = applyNodeSettings(threeRoles(), { agent: { 'prompts.sytem': 'x' } });
    expect(typo.issues).toEqual([
      {
        code: 'unknown_field',
        path: ['nodes', 'agent', 'prompts.sytem'],
        message: "node 'agent' (agent) has no setting 'prompts.sytem'",
      },
    ]);
    const through = applyNodeSettings(threeRoles(), { agent: { 'prompts.system.x': 'x' } });
    expect(through.issues[0]).toMatchObject({
      code: 'unknown_field',
      path: ['nodes', 'agent', 'prompts.system.x'],
    });
  });

  it('refuses a value the kind does not accept, located at its key', () => {
    const result = applyNodeSettings(threeRoles(), { agent: { 'llm.params.temperature': 'hot' } });
    expect(result.issues[0]).toMatchObject({
      code: 'invalid_value',
      path: ['nodes', 'agent', 'llm.params.temperature'],
    });
  });
});

describe('describing a change', () => {
  it('lists each changed leaf with both values, and one readable line for each', () => {
    const before = threeRoles();
    const after = applyNodeSettings(before, {
      corrector: { 'prompts.system': 'line one\nline two' },
      agent: { 'llm.model': 'qwen3-4b' },
    }).graph!;
    after.limits.maxSteps = 12;
    const changes = diffGraphs(before, after);
    expect(changes.map((c) => c.path)).toEqual([
      'limits.maxSteps',
      'nodes.agent.llm.model',
      'nodes.corrector.prompts.system',
    ]);
    expect(changes.map(describeEditChange)).toEqual([
      'limits.maxSteps: 40 → 12',
      'nodes.agent.llm.model: null → "qwen3-4b"',
      expect.stringMatching(/^nodes\.corrector\.prompts\.system: edited \(\d+ → 2 lines\)$/),
    ]);
  });

  it('reports added and removed nodes and edges', () => {
    const before = threeRoles();
    const after = JSON.parse(JSON.stringify(preset('react-baseline').graph)) as Graph;
    const paths = diffGraphs(before, after).map((c) => c.path);
    expect(paths).toContain('nodes.corrector');
    expect(paths.some((p) => p.startsWith('edges.'))).toBe(true);
  });
});
