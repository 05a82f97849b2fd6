import type { Graph } from '../graph/graph.ts';
import type { GraphNode } from '../graph/registry.ts';
import type { NodeOverride } from '../runs.ts';
import { callsModel } from './nodes.ts';

/** An endpoint and a model as a binding names them; null falls back (see bindNode and resolveModel). */
export interface BindingChoice {
  endpointId: string | null;
  model: string | null;
}

/** What a start-run request says about binding. */
export interface RunBindingRequest {
  /** The default endpoint for nodes that bind none; else the graph's. */
  endpointId?: string | null | undefined;
  /** The default model for nodes that bind no endpoint; else the graph's. */
  model?: string | null | undefined;
  overrides?: Readonly<Record<string, NodeOverride>> | undefined;
}

/** The run's defaults for nodes that bind no endpoint: the request's, else the graph's. */
export function runDefaults(graph: Pick<Graph, 'defaults'>, request: RunBindingRequest): BindingChoice {
  return {
    endpointId: request.endpointId ?? graph.defaults.endpointId,
    model: request.model ?? graph.defaults.model,
  };
}

/** The node as the run sees it: an override's endpoint and model replace the node's own, one by one. */
function overridden(node: GraphNode, override: NodeOverride | undefined): GraphNode {
  if (!override || !callsModel(node) || (!override.endpointId && !override.model)) return node;
  const llm = { ...node.config.llm };
  if (override.endpointId) llm.endpointId = override.endpointId;
  if (override.model) llm.model = override.model;
  return { ...node, config: { ...node.config, llm } } as GraphNode;
}

/**
 * The graph with the run's per-node overrides applied, as a new graph (the given one is left as it was). Nodes
 * that call no model have nothing to override and stay as they are.
 */
export function applyOverrides(graph: Graph, overrides: Readonly<Record<string, NodeOverride>>): Graph {
  return { ...graph, nodes: graph.nodes.map((node) => overridden(node, overrides[node.id])) };
}

/**
 * Where a node's calls go, given its (overridden) binding and the run's defaults. A node that binds an endpoint
 * keeps its own model choice, or that endpoint's default: never the run's default model, which was chosen for
 * another endpoint. A node that binds none takes the run's endpoint and, unless it names a model, the run's model.
 * A null model here means "the endpoint's default model" (resolveModel).
 */
export function bindNode(binding: BindingChoice, defaults: BindingChoice): BindingChoice {
  if (binding.endpointId !== null) return { endpointId: binding.endpointId, model: binding.model };
  return { endpointId: defaults.endpointId, model: binding.model ?? defaults.model };
}

/** The model a call asks for: the one chosen, else the endpoint's default; null when neither names one. */
export function resolveModel(chosen: string | null, endpointDefaultModel: string | null): string | null {
  return chosen ?? endpointDefaultModel;
}

/** The little of a registered endpoint that binding needs. */
export interface BindableEndpoint {
  id: string;
  name: string;
  defaultModel: string | null;
}

/** A binding that cannot be resolved; the message says what to choose. */
export class BindingError extends Error {}

/**
 * A node's binding resolved against the registered endpoints: the endpoint it calls and the model it asks for.
 * Throws a BindingError naming what is missing (no endpoint, an endpoint not registered, no model).
 */
export function resolveBinding<E extends BindableEndpoint>(
  binding: BindingChoice,
  defaults: BindingChoice,
  lookup: (endpointId: string) => E | null | undefined,
): { endpoint: E; model: string } {
  const chosen = bindNode(binding, defaults);
  if (!chosen.endpointId) {
    throw new BindingError('no endpoint bound: choose one for the run or bind one on the node');
  }
  const endpoint = lookup(chosen.endpointId);
  if (!endpoint) throw new BindingError(`endpoint '${chosen.endpointId}' is not registered`);
  const model = resolveModel(chosen.model, endpoint.defaultModel);
  if (!model) {
    throw new BindingError(`endpoint '${endpoint.name}' has no default model; choose a model for the run`);
  }
  return { endpoint, model };
}

/** Where a run started from the canvas sends its model requests, as chosen beside the Run button. */
export interface RunEndpointChoice {
  /** Null: as the graph binds (each node's own endpoint, else the graph's default). */
  endpointId: string | null;
  /** Null: the endpoint's default model. */
  model: string | null;
  /** Send every model node there, not only the nodes that bind no endpoint of their own. */
  everyNode: boolean;
}

/** The same override for every node that calls a model. */
export function everyNodeOverrides(graph: Graph, override: NodeOverride): Record<string, NodeOverride> {
  return Object.fromEntries(graph.nodes.filter(callsModel).map((node) => [node.id, override]));
}

/**
 * The binding part of a start-run request for a choice made beside the Run button. A chosen endpoint is the
 * default for nodes that bind none; with "every node", each model node is overridden to it too. The model sent
 * is the one chosen, else the endpoint's own default: never the graph's default model, which was picked for
 * another endpoint.
 */
export function runRequestBinding(
  graph: Graph,
  choice: RunEndpointChoice,
  endpointDefaultModel: string | null,
): { endpointId?: string; model?: string; overrides?: Record<string, NodeOverride> } {
  if (choice.endpointId === null) return {};
  const model = resolveModel(choice.model, endpointDefaultModel);
  const binding = { endpointId: choice.endpointId, ...(model ? { model } : {}) };
  if (!choice.everyNode) return binding;
  return { ...binding, overrides: everyNodeOverrides(graph, binding) };
}
