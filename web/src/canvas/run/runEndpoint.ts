import { type Graph, type GraphNode, nodeKindSpec, type StartRunRequest } from '@trellis/shared';

/** Where a run started from the canvas sends its model requests, as chosen beside the Run button. */
export interface RunEndpoint {
  /** Null: as the graph binds (each node's own endpoint, else the graph's default). */
  endpointId: string | null;
  /** Null: the endpoint's default model. */
  model: string | null;
  /** Send every LLM node there, not only the nodes that bind no endpoint of their own. */
  everyNode: boolean;
}

export const AS_BOUND: RunEndpoint = { endpointId: null, model: null, everyNode: false };

const STORAGE_KEY = 'trellis.run-endpoint';

const text = (value: unknown, max: number): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max;

/** The choice this browser made last; anything unreadable means "as the graph binds". */
export function readRunEndpoint(storage: Pick<Storage, 'getItem'> | undefined): RunEndpoint {
  try {
    const stored = JSON.parse(storage?.getItem(STORAGE_KEY) ?? 'null') as Partial<RunEndpoint> | null;
    if (!stored || !text(stored.endpointId, 64)) return AS_BOUND;
    return {
      endpointId: stored.endpointId,
      model: text(stored.model, 256) ? stored.model : null,
      everyNode: stored.everyNode === true,
    };
  } catch {
    return AS_BOUND;
  }
}

export function writeRunEndpoint(storage: Pick<Storage, 'setItem'> | undefined, choice: RunEndpoint): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(choice));
  } catch {
    // Storage full or refused (private windows): the choice still holds for this page.
  }
}

const isLlm = (node: GraphNode) => nodeKindSpec(node.kind).llm;

/**
 * The part of a start-run request that binds the LLM nodes. A chosen endpoint is the default for nodes that
 * bind none; with "every node", each LLM node is overridden to it too. The model sent is the one chosen, else
 * the endpoint's own default: never the graph's default model, which was picked for another endpoint.
 */
export function runBinding(
  graph: Graph,
  choice: RunEndpoint,
  endpointDefaultModel: string | null,
): Pick<StartRunRequest, 'endpointId' | 'model' | 'overrides'> {
  if (choice.endpointId === null) return {};
  const model = choice.model ?? endpointDefaultModel;
  const binding = { endpointId: choice.endpointId, ...(model ? { model } : {}) };
  if (!choice.everyNode) return binding;
  return { ...binding, overrides: Object.fromEntries(graph.nodes.filter(isLlm).map((n) => [n.id, binding])) };
}

/** The graph as a run with this choice sees it: with "every node", each LLM node is bound to the endpoint. */
export function boundForRun(graph: Graph, choice: Pick<RunEndpoint, 'endpointId' | 'everyNode'>): Graph {
  const endpointId = choice.endpointId;
  if (endpointId === null || !choice.everyNode) return graph;
  return {
    ...graph,
    nodes: graph.nodes.map((node) =>
      node.kind === 'executor'
        ? node
        : ({ ...node, config: { ...node.config, llm: { ...node.config.llm, endpointId } } } as GraphNode),
    ),
  };
}

export interface EndpointOption {
  /** What the select holds: the choice encoded, '' for "as the graph binds". */
  value: string;
  label: string;
}

export const encodeChoice = (endpointId: string, model: string | null) => JSON.stringify([endpointId, model]);

export function decodeChoice(value: string): Pick<RunEndpoint, 'endpointId' | 'model'> {
  if (value === '') return { endpointId: null, model: null };
  const [endpointId, model] = JSON.parse(value) as [string, string | null];
  return { endpointId, model };
}

/**
 * One option per registered endpoint (its default model), then one per other model it serves. A chosen
 * endpoint or model that is no longer there stays listed, marked, so the select never shows something else.
 */
export function endpointOptions(
  /** Undefined while the list is loading. */
  endpoints: readonly { id: string; name: string; defaultModel: string | null }[] | undefined,
  served: ReadonlyMap<string, readonly { id: string }[]>,
  nameOf: (endpoint: { id: string; name: string }) => string,
  chosen: Pick<RunEndpoint, 'endpointId' | 'model'>,
): EndpointOption[] {
  const options: EndpointOption[] = [];
  for (const endpoint of endpoints ?? []) {
    const name = nameOf(endpoint);
    options.push({ value: encodeChoice(endpoint.id, null), label: name });
    const models = (served.get(endpoint.id) ?? [])
      .map((m) => m.id)
      .filter((m) => m !== endpoint.defaultModel);
    if (chosen.endpointId === endpoint.id && chosen.model && !models.includes(chosen.model)) {
      const missing = served.has(endpoint.id) && chosen.model !== endpoint.defaultModel;
      options.push({
        value: encodeChoice(endpoint.id, chosen.model),
        label: `${name} · ${chosen.model}${missing ? ' (not served)' : ''}`,
      });
    }
    for (const model of models)
      options.push({ value: encodeChoice(endpoint.id, model), label: `${name} · ${model}` });
  }
  if (chosen.endpointId !== null && !endpoints?.some((e) => e.id === chosen.endpointId)) {
    const label = `${chosen.endpointId}${chosen.model ? ` · ${chosen.model}` : ''}`;
    options.push({
      value: encodeChoice(chosen.endpointId, chosen.model),
      label: endpoints ? `${label} (not registered)` : label,
    });
  }
  return options;
}
