import { describe, expect, it } from 'vitest';
import { Graph } from './graph.ts';
import { preset, presets } from './presets.ts';
import { createNode } from './registry.ts';
import { type GraphIssue, hasErrors, validateGraph } from './validate.ts';

const endpoints = new Set(['ep-1']);
const threeRoles = (): Graph => Graph.parse(JSON.parse(JSON.stringify(preset('three-roles').graph)));
const errors = (issues: GraphIssue[]) => issues.filter((i) => i.severity === 'error');

describe('graph validation', () => {
  it('accepts every preset once an endpoint is bound', () => {
    for (const p of presets()) {
      const graph = { ...p.graph, defaults: { endpointId: 'ep-1', model: null } };
      expect(Graph.parse(graph)).toEqual(graph);
      expect(errors(validateGraph(graph, { endpointIds: endpoints, forRun: true })), p.id).toEqual([]);
    }
  });

  it('warns at design time and refuses at run time when no endpoint is bound', () => {
    const graph = threeRoles();
    const design = validateGraph(graph, { endpointIds: endpoints });
    expect(hasErrors(design)).toBe(false);
    expect(design.filter((i) => i.code === 'no_endpoint').map((i) => i.nodeId)).toEqual([
      'summarizer',
      'agent',
      'corrector',
    ]);
    const run = validateGraph(graph, { endpointIds: endpoints, forRun: true });
    expect(errors(run).map((i) => i.code)).toContain('no_endpoint');
    expect(
      hasErrors(validateGraph(graph, { endpointIds: endpoints, forRun: true, runEndpointId: 'ep-1' })),
    ).toBe(false);
  });

  it('locates an unknown endpoint on its node', () => {
    const graph = threeRoles();
    const agent = graph.nodes.find((n) => n.id === 'agent')!;
    if (agent.kind !== 'agent') throw new Error('preset changed');
    agent.config.llm.endpointId = 'gone';
    const [issue] = validateGraph(graph, { endpointIds: endpoints }).filter(
      (i) => i.code === 'unknown_endpoint',
    );
    expect(issue).toMatchObject({ nodeId: 'agent', field: 'config.llm.endpointId' });
    expect(issue?.message).toContain("'gone'");
  });

  it('flags an unreachable node', () => {
    const graph = threeRoles();
    graph.nodes.push(createNode('corrector', 'orphan'));
    graph.edges.push({ id: 'orphan->executor', from: 'orphan', to: 'executor', when: { type: 'always' } });
    const issue = validateGraph(graph, { endpointIds: null }).find((i) => i.code === 'unreachable_node');
    expect(issue?.nodeId).toBe('orphan');
  });

  it('flags a loop with no executor, and accepts a retry loop through the executor', () => {
    const graph = threeRoles();
    graph.edges.push({ id: 'corrector->agent', from: 'corrector', to: 'agent', when: { type: 'on_error' } });
    const loop = validateGraph(graph, { endpointIds: null }).find((i) => i.code === 'loop_without_executor');
    expect(loop?.message).toContain("'agent'");
    expect(loop?.message).toContain("'corrector'");

    const retry = threeRoles();
    retry.edges.push({
      id: 'executor->corrector',
      from: 'executor',
      to: 'corrector',
      when: { type: 'on_error' },
    });
    expect(validateGraph(retry, { endpointIds: null }).map((i) => i.code)).not.toContain(
      'loop_without_executor',
    );
  });

  it('flags a node whose turn never reaches an executor', () => {
    const graph = threeRoles();
    graph.edges = graph.edges.filter((e) => e.id !== 'corrector->executor');
    const stuck = validateGraph(graph, { endpointIds: null })
      .filter((i) => i.code === 'no_path_to_executor')
      .map((i) => i.nodeId);
    expect(stuck).toEqual(['summarizer', 'agent', 'corrector']);
  });

  it('refuses a graph with no executor', () => {
    const graph = threeRoles();
    graph.nodes = graph.nodes.filter((n) => n.kind !== 'executor');
    graph.edges = graph.edges.filter((e) => e.to !== 'executor');
    expect(validateGraph(graph, { endpointIds: null }).map((i) => i.code)).toContain('no_executor');
  });

  it('names a template variable the node cannot see, with where it is', () => {
    const graph = threeRoles();
    const corrector = graph.nodes.find((n) => n.id === 'corrector')!;
    if (corrector.kind !== 'corrector') throw new Error('preset changed');
    corrector.config.prompts.user = 'Fix this:\n{{code}}\nThe task was {{task.instruction}}';
    const [issue] = validateGraph(graph, { endpointIds: null }).filter((i) => i.code === 'unknown_variable');
    expect(issue).toMatchObject({
      nodeId: 'corrector',
      field: 'config.prompts.user',
      variable: 'task.instruction',
      offset: corrector.config.prompts.user.indexOf('{{task'),
    });
    expect(issue?.message).toContain('isolated');
  });

  it('flags limits out of range', () => {
    const graph = threeRoles();
    graph.limits.maxSteps = 0;
    graph.limits.tokenBudget = 10;
    const fields = validateGraph(graph, { endpointIds: null })
      .filter((i) => i.code === 'limit_out_of_range')
      .map((i) => i.field);
    expect(fields).toEqual(['limits.maxSteps', 'limits.tokenBudget']);
  });

  it('flags edges to missing nodes and a missing entry', () => {
    const graph = threeRoles();
    graph.entry = 'nope';
    graph.edges.push({ id: 'bad', from: 'agent', to: 'ghost', when: { type: 'always' } });
    const codes = validateGraph(graph, { endpointIds: null }).map((i) => [i.code, i.edgeId ?? i.field]);
    expect(codes).toContainEqual(['unknown_entry', 'entry']);
    expect(codes).toContainEqual(['unknown_node', 'bad']);
  });
});
