import {
  diffGraphs,
  type EditChange,
  type Graph,
  type GraphNode,
  type RunChangeInput,
} from '@trellis/shared';

/** An endpoint and model put in place of a node's (or, for the run default, of the run's). */
export interface BindingChoice {
  endpointId: string | null;
  model: string | null;
}

/**
 * A change being put together in a dialog: another graph version, node settings edited on that version's graph,
 * endpoint and model per node, and the run's default endpoint and model.
 */
export interface ChangeDraft {
  /** Another saved version to run; null keeps the run's own. */
  versionId: string | null;
  /** Nodes as edited, by id; nodes not here are as the base graph has them. */
  nodes: Record<string, GraphNode>;
  overrides: Record<string, BindingChoice>;
  runDefault: BindingChoice;
}

export const EMPTY_DRAFT: ChangeDraft = {
  versionId: null,
  nodes: {},
  overrides: {},
  runDefault: { endpointId: null, model: null },
};

/** The base graph with the draft's node edits in place. */
export function editedGraph(base: Graph, draft: ChangeDraft): Graph {
  return { ...base, nodes: base.nodes.map((node) => draft.nodes[node.id] ?? node) };
}

/** The settings the draft changes, one entry per leaf (`nodes.corrector.prompts.user`). */
export function settingChanges(base: Graph, draft: ChangeDraft): EditChange[] {
  return diffGraphs(base, editedGraph(base, draft)).filter((change) => change.path.startsWith('nodes.'));
}

/** Settings by node id and field key, as a change names them: `{corrector: {'prompts.user': '…'}}`. */
export function nodeSettings(changes: readonly EditChange[]): Record<string, Record<string, unknown>> {
  const nodes: Record<string, Record<string, unknown>> = {};
  for (const change of changes) {
    const [, nodeId, ...key] = change.path.split('.');
    if (!nodeId || key.length === 0) continue;
    nodes[nodeId] = { ...nodes[nodeId], [key.join('.')]: change.after };
  }
  return nodes;
}

const chosen = (binding: BindingChoice) => binding.endpointId !== null || binding.model !== null;

/** The change the draft describes, as the fork and rescue requests take it. */
export function changeOf(base: Graph | null, draft: ChangeDraft): RunChangeInput {
  const overrides: Record<string, { endpointId?: string; model?: string }> = {};
  for (const [nodeId, binding] of Object.entries(draft.overrides)) {
    if (!chosen(binding)) continue;
    overrides[nodeId] = {
      ...(binding.endpointId ? { endpointId: binding.endpointId } : {}),
      ...(binding.model ? { model: binding.model } : {}),
    };
  }
  return {
    ...(draft.versionId ? { graphVersionId: draft.versionId } : {}),
    nodes: base ? nodeSettings(settingChanges(base, draft)) : {},
    overrides,
    ...(draft.runDefault.endpointId ? { endpointId: draft.runDefault.endpointId } : {}),
    ...(draft.runDefault.model ? { model: draft.runDefault.model } : {}),
  };
}

/** Whether a change changes nothing: the same graph, settings and models. */
export function isEmptyChange(change: RunChangeInput): boolean {
  return (
    change.graphVersionId === undefined &&
    Object.keys(change.nodes ?? {}).length === 0 &&
    Object.keys(change.overrides ?? {}).length === 0 &&
    change.endpointId === undefined &&
    change.model === undefined
  );
}
