import {
  applyOverrides,
  everyNodeOverrides,
  type Graph,
  type RunEndpointChoice,
  runRequestBinding,
} from '@trellis/shared';

/** Where a run started from the canvas sends its model requests, as chosen beside the Run button. */
export type RunEndpoint = RunEndpointChoice;

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

/** The part of a start-run request that binds the model nodes (the run contract's rule). */
export const runBinding = runRequestBinding;

/** The graph as a run with this choice sees it: with "every node", each model node is bound to the endpoint. */
export function boundForRun(graph: Graph, choice: Pick<RunEndpoint, 'endpointId' | 'everyNode'>): Graph {
  if (choice.endpointId === null || !choice.everyNode) return graph;
  return applyOverrides(graph, everyNodeOverrides(graph, { endpointId: choice.endpointId }));
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
