import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/graph.ts';
import { preset } from '../graph/presets.ts';
import { NODE_KINDS, type NodeKind } from '../graph/registry.ts';
import {
  applyOverrides,
  BindingError,
  bindNode,
  resolveBinding,
  resolveModel,
  runDefaults,
  runRequestBinding,
} from './binding.ts';
import { callsModel, kindCallsModel } from './nodes.ts';

/** Three roles: the agent binds its own endpoint, the graph's default is elsewhere. */
function mixedBindings(): Graph {
  const graph = JSON.parse(JSON.stringify(preset('three-roles').graph)) as Graph;
  graph.defaults = { endpointId: 'graph-box', model: 'graph-model' };
  const agent = graph.nodes.find((n) => n.id === 'agent')!;
  if (callsModel(agent)) agent.config.llm = { ...agent.config.llm, endpointId: 'agent-box' };
  return graph;
}

const llmOf = (graph: Graph, id: string) => {
  const node = graph.nodes.find((n) => n.id === id)!;
  return callsModel(node) ? { endpointId: node.config.llm.endpointId, model: node.config.llm.model } : null;
};

describe('which nodes call a model', () => {
  it("is what each kind's spec says, and those kinds and only those carry an LLM binding", () => {
    for (const kind of Object.keys(NODE_KINDS) as NodeKind[]) {
      expect(kindCallsModel(kind)).toBe('llm' in (NODE_KINDS[kind].defaults() as object));
    }
    expect(kindCallsModel('executor')).toBe(false);
    expect(kindCallsModel('agent')).toBe(true);
  });
});

describe('binding a node', () => {
  const defaults = { endpointId: 'run-box', model: 'run-model' };

  it("keeps a node's own endpoint with its own model, else that endpoint's default, never the run's model", () => {
    expect(bindNode({ endpointId: 'own', model: 'm' }, defaults)).toEqual({ endpointId: 'own', model: 'm' });
    expect(bindNode({ endpointId: 'own', model: null }, defaults)).toEqual({
      endpointId: 'own',
      model: null,
    });
  });

  it("sends a node that binds no endpoint to the run's, with its own model or else the run's", () => {
    expect(bindNode({ endpointId: null, model: 'm' }, defaults)).toEqual({
      endpointId: 'run-box',
      model: 'm',
    });
    expect(bindNode({ endpointId: null, model: null }, defaults)).toEqual(defaults);
  });

  it("falls back to the endpoint's default model", () => {
    expect(resolveModel(null, 'served')).toBe('served');
    expect(resolveModel('chosen', 'served')).toBe('chosen');
    expect(resolveModel(null, null)).toBeNull();
  });

  it("takes the run's defaults from the request, else from the graph, one by one", () => {
    const graph = { defaults: { endpointId: 'g', model: 'gm' } };
    expect(runDefaults(graph, {})).toEqual({ endpointId: 'g', model: 'gm' });
    expect(runDefaults(graph, { endpointId: 'r' })).toEqual({ endpointId: 'r', model: 'gm' });
    expect(runDefaults(graph, { endpointId: 'r', model: 'rm' })).toEqual({ endpointId: 'r', model: 'rm' });
  });

  it('resolves against the registered endpoints, or says what is missing', () => {
    const endpoints = new Map([
      ['a', { id: 'a', name: 'first', defaultModel: 'qwen' }],
      ['b', { id: 'b', name: 'second', defaultModel: null }],
    ]);
    const lookup = (id: string) => endpoints.get(id);
    const none = { endpointId: null, model: null };
    expect(resolveBinding({ endpointId: 'a', model: null }, none, lookup)).toEqual({
      endpoint: endpoints.get('a'),
      model: 'qwen',
    });
    expect(() => resolveBinding(none, none, lookup)).toThrow(/no endpoint bound/);
    expect(() => resolveBinding({ endpointId: 'gone', model: null }, none, lookup)).toThrow(
      "endpoint 'gone' is not registered",
    );
    expect(() => resolveBinding({ endpointId: 'b', model: null }, none, lookup)).toThrow(BindingError);
    expect(() => resolveBinding({ endpointId: 'b', model: null }, none, lookup)).toThrow(
      "endpoint 'second' has no default model",
    );
  });
});

describe('overrides', () => {
  it('replace the endpoint and the model of the nodes they name, one by one, and leave the graph as it was', () => {
    const graph = mixedBindings();
    const before = JSON.parse(JSON.stringify(graph)) as Graph;
    const run = applyOverrides(graph, { agent: { model: 'big' }, summarizer: { endpointId: 'lab' } });
    expect(llmOf(run, 'agent')).toEqual({ endpointId: 'agent-box', model: 'big' });
    expect(llmOf(run, 'summarizer')).toEqual({ endpointId: 'lab', model: null });
    expect(llmOf(run, 'corrector')).toEqual({ endpointId: null, model: null });
    expect(graph).toEqual(before);
  });

  it('pass over nodes that call no model', () => {
    const graph = mixedBindings();
    const run = applyOverrides(graph, { executor: { endpointId: 'lab' } });
    expect(run.nodes.find((n) => n.id === 'executor')).toBe(graph.nodes.find((n) => n.id === 'executor'));
  });

  it("win over the node's binding and the run's defaults when a node is bound", () => {
    const graph = applyOverrides(mixedBindings(), { agent: { endpointId: 'lab' } });
    const defaults = runDefaults(graph, { endpointId: 'run-box', model: 'run-model' });
    expect(bindNode(llmOf(graph, 'agent')!, defaults)).toEqual({ endpointId: 'lab', model: null });
    expect(bindNode(llmOf(graph, 'corrector')!, defaults)).toEqual({
      endpointId: 'run-box',
      model: 'run-model',
    });
  });
});

describe('the endpoint chosen beside the Run button', () => {
  it('sends nothing when the run goes as the graph binds', () => {
    expect(
      runRequestBinding(mixedBindings(), { endpointId: null, model: 'x', everyNode: true }, 'm'),
    ).toEqual({});
  });

  it("becomes the run's default with the chosen model, else the endpoint's default model", () => {
    const choice = { endpointId: 'lab', model: null, everyNode: false };
    expect(runRequestBinding(mixedBindings(), choice, 'lab-default')).toEqual({
      endpointId: 'lab',
      model: 'lab-default',
    });
    expect(runRequestBinding(mixedBindings(), { ...choice, model: 'small' }, 'lab-default')).toEqual({
      endpointId: 'lab',
      model: 'small',
    });
    expect(runRequestBinding(mixedBindings(), choice, null)).toEqual({ endpointId: 'lab' });
  });

  it('overrides every node that calls a model, and no other, for "every node"', () => {
    const each = { endpointId: 'lab', model: 'q' };
    expect(
      runRequestBinding(mixedBindings(), { endpointId: 'lab', model: null, everyNode: true }, 'q'),
    ).toEqual({
      ...each,
      overrides: { summarizer: each, agent: each, corrector: each },
    });
  });
});
