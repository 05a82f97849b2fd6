import { callsModel, type Graph, type GraphIssue, type GraphNode } from '@trellis/shared';
import { type EdgeChange, MarkerType, type NodeChange } from '@xyflow/react';
import type { CanvasNode, ConditionFlowEdge } from './flowTypes.ts';
import type { XY } from './graphOps.ts';
import type { Size } from './layout.ts';
import type { EditorActions, Selection } from './store/editorStore.ts';

export interface DeriveInput {
  graph: Graph;
  selection: Selection;
  measured: Record<string, Size>;
  issues: GraphIssue[];
  activeNodeId: string | null;
  /** Registered endpoints, to name a node's binding (any id/name pair will do). */
  endpoints: readonly { id: string; name: string }[];
  /** The endpoint chosen for runs beside the Run button, if any, and whether it replaces every node's own. */
  run?: { endpointId: string | null; everyNode: boolean };
}

export function bindingText(
  node: GraphNode,
  graph: Graph,
  endpoints: DeriveInput['endpoints'],
  run: DeriveInput['run'] = undefined,
): string {
  if (!callsModel(node)) return 'sandbox';
  const name = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;
  const own = node.config.llm.endpointId;
  const chosen = run?.endpointId ?? null;
  if (chosen && (run?.everyNode || (!own && !graph.defaults.endpointId))) return `run (${name(chosen)})`;
  const endpoint = own
    ? name(own)
    : graph.defaults.endpointId
      ? `default (${name(graph.defaults.endpointId)})`
      : '';
  const model = node.config.llm.model ?? (own ? null : graph.defaults.model);
  if (!endpoint) return 'no endpoint';
  return model ? `${endpoint} · ${model}` : endpoint;
}

function issuesByKey(issues: GraphIssue[], key: 'nodeId' | 'edgeId'): Map<string, GraphIssue[]> {
  const map = new Map<string, GraphIssue[]>();
  for (const issue of issues) {
    const id = issue[key];
    if (id !== undefined) map.set(id, [...(map.get(id) ?? []), issue]);
  }
  return map;
}

const sameIssues = (a: GraphIssue[], b: GraphIssue[]) =>
  a.length === b.length && a.every((issue, i) => issue.message === b[i]!.message);

/**
 * Keeps the previous flow node when nothing it shows changed, so memoised node components skip rendering and
 * React Flow skips re-adopting the node.
 */
export class FlowNodeCache {
  private last = new Map<string, CanvasNode>();

  derive(input: DeriveInput): CanvasNode[] {
    const byNode = issuesByKey(input.issues, 'nodeId');
    const selected = new Set(input.selection.nodes);
    const next = new Map<string, CanvasNode>();
    const nodes = input.graph.nodes.map((node) => {
      const data = {
        node,
        issues: byNode.get(node.id) ?? [],
        entry: input.graph.entry === node.id,
        active: input.activeNodeId === node.id,
        binding: bindingText(node, input.graph, input.endpoints, input.run),
      };
      const measured = input.measured[node.id];
      const previous = this.last.get(node.id);
      const reuse =
        previous &&
        previous.data.node === node &&
        previous.selected === selected.has(node.id) &&
        previous.data.entry === data.entry &&
        previous.data.active === data.active &&
        previous.data.binding === data.binding &&
        previous.measured?.width === measured?.width &&
        previous.measured?.height === measured?.height &&
        sameIssues(previous.data.issues, data.issues);
      // One cast: TypeScript cannot pair a union node's kind with the matching flow node type by itself.
      const flow =
        reuse && previous
          ? previous
          : ({
              id: node.id,
              type: node.kind,
              position: node.position,
              data,
              selected: selected.has(node.id),
              ...(measured ? { measured } : {}),
            } as CanvasNode);
      next.set(node.id, flow);
      return flow;
    });
    this.last = next;
    return nodes;
  }
}

/** Derives the flow nodes without a cache (tests, one-off uses). */
export function deriveNodes(input: DeriveInput): CanvasNode[] {
  return new FlowNodeCache().derive(input);
}

export function deriveEdges(input: Pick<DeriveInput, 'graph' | 'selection' | 'issues'>): ConditionFlowEdge[] {
  const byEdge = issuesByKey(input.issues, 'edgeId');
  const selected = new Set(input.selection.edges);
  const outgoing = new Map<string, number>();
  return input.graph.edges.map((edge) => {
    const rank = (outgoing.get(edge.from) ?? 0) + 1;
    outgoing.set(edge.from, rank);
    const issues = byEdge.get(edge.id) ?? [];
    return {
      id: edge.id,
      source: edge.from,
      target: edge.to,
      type: 'condition',
      selected: selected.has(edge.id),
      markerEnd: { type: MarkerType.ArrowClosed, width: 18, height: 18 },
      data: {
        when: edge.when,
        rank,
        siblings: input.graph.edges.filter((e) => e.from === edge.from).length,
        issues,
      },
    };
  });
}

type ChangeActions = Pick<EditorActions, 'moveNodes' | 'setMeasured' | 'select' | 'remove'>;

/** Applies React Flow's node changes to the editor: moves and selection become store actions. */
export function applyNodeChanges(
  changes: NodeChange<CanvasNode>[],
  selection: Selection,
  actions: ChangeActions,
) {
  const positions: Record<string, XY> = {};
  let dragging = false;
  const sizes: Record<string, Size> = {};
  let selected: Set<string> | null = null;
  const removed: string[] = [];
  for (const change of changes) {
    if (change.type === 'position' && change.position) {
      positions[change.id] = change.position;
      dragging ||= change.dragging === true;
    } else if (change.type === 'dimensions' && change.dimensions) {
      sizes[change.id] = change.dimensions;
    } else if (change.type === 'select') {
      selected ??= new Set(selection.nodes);
      if (change.selected) selected.add(change.id);
      else selected.delete(change.id);
    } else if (change.type === 'remove') {
      removed.push(change.id);
    }
  }
  if (Object.keys(sizes).length > 0) actions.setMeasured(sizes);
  if (Object.keys(positions).length > 0) actions.moveNodes(positions, dragging);
  if (selected) actions.select({ nodes: [...selected], edges: selection.edges });
  if (removed.length > 0) actions.remove(removed, []);
}

export function applyEdgeChanges(
  changes: EdgeChange<ConditionFlowEdge>[],
  selection: Selection,
  actions: ChangeActions,
) {
  let selected: Set<string> | null = null;
  const removed: string[] = [];
  for (const change of changes) {
    if (change.type === 'select') {
      selected ??= new Set(selection.edges);
      if (change.selected) selected.add(change.id);
      else selected.delete(change.id);
    } else if (change.type === 'remove') {
      removed.push(change.id);
    }
  }
  if (selected) actions.select({ nodes: selection.nodes, edges: [...selected] });
  if (removed.length > 0) actions.remove([], removed);
}
