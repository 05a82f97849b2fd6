import { type Graph, preset } from '@trellis/shared';
import { describe, expect, it } from 'vitest';
import { bindingText } from '../derive.ts';
import { runBlocker, validate } from '../validation.tsx';
import {
  AS_BOUND,
  decodeChoice,
  encodeChoice,
  endpointOptions,
  readRunEndpoint,
  runBinding,
  writeRunEndpoint,
} from './runEndpoint.ts';

const threeRoles = (): Graph => structuredClone(preset('three-roles').graph);

/** Three roles with the agent bound to its own endpoint and the graph's default set elsewhere. */
function mixedBindings(): Graph {
  const graph = threeRoles();
  graph.defaults = { endpointId: 'graph-box', model: 'graph-model' };
  const agent = graph.nodes.find((n) => n.id === 'agent')!;
  if (agent.kind !== 'executor') agent.config.llm = { ...agent.config.llm, endpointId: 'agent-box' };
  return graph;
}

function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    clear: () => items.clear(),
    key: () => null,
    length: 0,
  };
}

describe('the run endpoint', () => {
  it('sends nothing when the run goes as the graph binds', () => {
    expect(runBinding(mixedBindings(), AS_BOUND, 'm')).toEqual({});
  });

  it("sends a chosen endpoint with its own default model, never the graph's default model", () => {
    const choice = { endpointId: 'lab', model: null, everyNode: false };
    expect(runBinding(mixedBindings(), choice, 'lab-default')).toEqual({
      endpointId: 'lab',
      model: 'lab-default',
    });
    expect(runBinding(mixedBindings(), { ...choice, model: 'small' }, 'lab-default')).toEqual({
      endpointId: 'lab',
      model: 'small',
    });
    expect(runBinding(mixedBindings(), choice, null)).toEqual({ endpointId: 'lab' });
  });

  it('overrides every LLM node, and no executor, when asked to bind every node', () => {
    const binding = runBinding(mixedBindings(), { endpointId: 'lab', model: null, everyNode: true }, 'q');
    const each = { endpointId: 'lab', model: 'q' };
    expect(binding).toEqual({
      endpointId: 'lab',
      model: 'q',
      overrides: { summarizer: each, agent: each, corrector: each },
    });
  });

  it('makes a preset whose nodes bind nothing runnable once an endpoint is chosen', () => {
    const graph = threeRoles();
    const known = new Set(['lab']);
    expect(runBlocker(graph, known)).toMatch(/has no endpoint/);
    expect(runBlocker(graph, known, { endpointId: 'lab', everyNode: false })).toBeNull();
  });

  it('stops warning about nodes with no endpoint once one is chosen for the run, and says where they go', () => {
    const graph = threeRoles();
    const known = new Set(['box']);
    expect(validate(graph, known).issues.filter((i) => i.code === 'no_endpoint')).toHaveLength(3);
    expect(validate(graph, known).issues[0]?.message).toMatch(/choose one for the run/);
    expect(validate(graph, known, 'box').issues.filter((i) => i.code === 'no_endpoint')).toEqual([]);
    const endpoints = [{ id: 'box', name: 'first gpu' }];
    const agent = graph.nodes.find((n) => n.id === 'agent')!;
    expect(bindingText(agent, graph, endpoints)).toBe('no endpoint');
    expect(bindingText(agent, graph, endpoints, { endpointId: 'box', everyNode: false })).toBe(
      'run (first gpu)',
    );
  });

  it('labels a node bound elsewhere by its own endpoint unless every node goes to the run endpoint', () => {
    const graph = mixedBindings();
    const endpoints = [{ id: 'box', name: 'first gpu' }];
    const agent = graph.nodes.find((n) => n.id === 'agent')!;
    expect(bindingText(agent, graph, endpoints, { endpointId: 'box', everyNode: false })).toBe('agent-box');
    expect(bindingText(agent, graph, endpoints, { endpointId: 'box', everyNode: true })).toBe(
      'run (first gpu)',
    );
  });

  it('blocks on nodes bound to an unregistered endpoint unless every node is sent to the chosen one', () => {
    const graph = mixedBindings();
    const known = new Set(['lab', 'graph-box']);
    expect(runBlocker(graph, known, { endpointId: 'lab', everyNode: false })).toMatch(/'agent-box'/);
    expect(runBlocker(graph, known, { endpointId: 'lab', everyNode: true })).toBeNull();
    expect(runBlocker(graph, known, { endpointId: 'gone', everyNode: true })).toBe(
      "the endpoint chosen for the run is not registered ('gone'): choose another",
    );
  });

  it('is remembered by the browser, and anything unreadable reads as the graph binds', () => {
    const storage = memoryStorage();
    expect(readRunEndpoint(storage)).toEqual(AS_BOUND);
    const choice = { endpointId: 'lab', model: 'small', everyNode: true };
    writeRunEndpoint(storage, choice);
    expect(readRunEndpoint(storage)).toEqual(choice);
    storage.setItem('trellis.run-endpoint', '{not json');
    expect(readRunEndpoint(storage)).toEqual(AS_BOUND);
    storage.setItem('trellis.run-endpoint', JSON.stringify({ endpointId: 7, everyNode: 'yes' }));
    expect(readRunEndpoint(storage)).toEqual(AS_BOUND);
    expect(readRunEndpoint(undefined)).toEqual(AS_BOUND);
  });
});

describe('the run endpoint options', () => {
  const endpoints = [
    { id: 'lab', name: 'Lab vLLM', defaultModel: 'qwen3-8b' },
    { id: 'test', name: 'Scripted', defaultModel: null },
  ];
  const served = new Map([
    ['lab', [{ id: 'qwen3-8b' }, { id: 'qwen3-0.6b' }]],
    ['test', [{ id: 'canned' }]],
  ]);
  const nameOf = (e: { id: string; name: string }) => (e.id === 'test' ? `${e.name} (test server)` : e.name);
  const labels = (chosen = { endpointId: null as string | null, model: null as string | null }) =>
    endpointOptions(endpoints, served, nameOf, chosen).map((o) => o.label);

  it('lists each endpoint, then the other models it serves, marking the test server', () => {
    expect(labels()).toEqual([
      'Lab vLLM',
      'Lab vLLM · qwen3-0.6b',
      'Scripted (test server)',
      'Scripted (test server) · canned',
    ]);
  });

  it('keeps a remembered choice listed, marked, when it is no longer there', () => {
    expect(labels({ endpointId: 'lab', model: 'retired' })).toContain('Lab vLLM · retired (not served)');
    expect(labels({ endpointId: 'gone', model: null }).at(-1)).toBe('gone (not registered)');
    expect(endpointOptions(undefined, new Map(), nameOf, { endpointId: 'lab', model: null })).toEqual([
      { value: encodeChoice('lab', null), label: 'lab' },
    ]);
  });

  it('round-trips a choice through the option value', () => {
    expect(decodeChoice(encodeChoice('lab', 'qwen3-0.6b'))).toEqual({
      endpointId: 'lab',
      model: 'qwen3-0.6b',
    });
    expect(decodeChoice(encodeChoice('lab', null))).toEqual({ endpointId: 'lab', model: null });
    expect(decodeChoice('')).toEqual({ endpointId: null, model: null });
  });
});
