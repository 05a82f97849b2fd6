import {
  canonicalJson,
  type EdgeCondition,
  type Graph,
  type GraphNode,
  type NodeKind,
} from '@trellis/shared';
import { createStore, type StoreApi } from 'zustand/vanilla';
import * as ops from '../graphOps.ts';
import { layoutGraph, type Size } from '../layout.ts';

/** Where the open document came from: its saved lineage and the version it was last saved as or opened from. */
export interface Origin {
  /** A client-side id for this document, so a first save can name every undo snapshot's lineage. */
  docId: string;
  graphId: string | null;
  versionId: string | null;
  /** Canonical JSON of that version; the document is dirty while its graph differs. */
  baseline: string | null;
}

interface Snapshot {
  graph: Graph;
  origin: Origin;
  /** Kept only around a rename, whose undo and redo select the node under the id it has then. */
  selection?: Selection;
}

export interface Selection {
  nodes: string[];
  edges: string[];
}

export interface EditorState {
  /** The single source of truth; React Flow's nodes and edges are derived from it. */
  graph: Graph;
  origin: Origin;
  selection: Selection;
  /** Rendered node sizes reported by React Flow; view state, never saved. */
  measured: Record<string, Size>;
  past: Snapshot[];
  future: Snapshot[];
  /** A node drag is in progress: its moves share one undo step. */
  dragging: boolean;
  lastEdit: { key: string; at: number } | null;
}

export interface EditorActions {
  /** Opens a graph as the document (undoable, so opening over unsaved work loses nothing). */
  load(graph: Graph, from?: { graphId?: string | null; versionId?: string | null }): void;
  addNode(kind: NodeKind, position: ops.XY): string;
  /** Replaces a node; `key` coalesces rapid edits of one field (typing) into one undo step. */
  updateNode(node: GraphNode, key?: string): void;
  /** Edits graph-level settings (name, limits, defaults, entry). */
  updateGraph(update: (graph: Graph) => Graph, key?: string): void;
  moveNodes(positions: Record<string, ops.XY>, dragging: boolean): void;
  setMeasured(sizes: Record<string, Size>): void;
  /**
   * Gives a node a new id everywhere it is named (edges, entry, selection, measured size) as one undo step.
   * Returns why the id is refused, or null when renamed.
   */
  renameNode(from: string, to: string): string | null;
  connect(from: string, to: string): string | null;
  /** Moves an edge's ends, keeping its id and condition; false when refused by the rules of `connect`. */
  reconnect(edgeId: string, from: string, to: string): boolean;
  setEdgeCondition(edgeId: string, when: EdgeCondition): void;
  reorderEdge(edgeId: string, delta: -1 | 1): void;
  remove(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  removeSelection(): void;
  duplicateSelection(): void;
  select(selection: Partial<Selection>, additive?: boolean): void;
  autoLayout(): void;
  undo(): void;
  redo(): void;
  /** Records a saved or restored version as the document's origin, without touching the graph. */
  markSaved(version: { graphId: string; id: string; graph: Graph }): void;
}

export type Editor = EditorState & EditorActions;
export type EditorStore = StoreApi<Editor>;

const HISTORY_LIMIT = 100;
const COALESCE_MS = 1000;

let docCounter = 0;
const newDocId = () => `doc-${Date.now().toString(36)}-${++docCounter}`;

export function baselineOf(graph: Graph): string {
  return canonicalJson(graph);
}

export function isDirty(state: Pick<EditorState, 'graph' | 'origin'>): boolean {
  return state.origin.baseline !== baselineOf(state.graph);
}

export interface EditorOptions {
  graph?: Graph;
  graphId?: string | null;
  versionId?: string | null;
  /** Clock for coalescing typing into one undo step (tests pass their own). */
  now?: () => number;
}

export function createEditorStore(options: EditorOptions = {}): EditorStore {
  const now = options.now ?? Date.now;
  const initial = options.graph ?? ops.emptyGraph();
  return createStore<Editor>()((set, get) => {
    /** Applies a new graph as one undo step (or folds it into the last step when `key` repeats quickly). */
    const commit = (
      graph: Graph,
      key?: string,
      extra: Partial<EditorState> = {},
      rememberSelection = false,
    ) => {
      const state = get();
      if (graph === state.graph) return;
      const at = now();
      const coalesce =
        key !== undefined && state.lastEdit?.key === key && at - state.lastEdit.at < COALESCE_MS;
      const before: Snapshot = {
        graph: state.graph,
        origin: state.origin,
        ...(rememberSelection ? { selection: state.selection } : {}),
      };
      const past = coalesce ? state.past : [...state.past, before].slice(-HISTORY_LIMIT);
      set({ graph, past, future: [], lastEdit: key ? { key, at } : null, ...extra });
    };

    const keepSelection = (graph: Graph, selection: Selection): Selection => {
      const nodes = new Set(graph.nodes.map((n) => n.id));
      const edges = new Set(graph.edges.map((e) => e.id));
      return {
        nodes: selection.nodes.filter((id) => nodes.has(id)),
        edges: selection.edges.filter((id) => edges.has(id)),
      };
    };

    const travel = (from: 'past' | 'future') => {
      const state = get();
      const stack = state[from];
      const target = stack[stack.length - 1];
      if (!target) return;
      const current: Snapshot = {
        graph: state.graph,
        origin: state.origin,
        ...(target.selection ? { selection: state.selection } : {}),
      };
      const to = from === 'past' ? 'future' : 'past';
      set({
        graph: target.graph,
        origin: target.origin,
        [from]: stack.slice(0, -1),
        [to]: [...state[to], current],
        selection: keepSelection(target.graph, target.selection ?? state.selection),
        lastEdit: null,
        dragging: false,
      });
    };

    return {
      graph: initial,
      origin: {
        docId: newDocId(),
        graphId: options.graphId ?? null,
        versionId: options.versionId ?? null,
        baseline: options.versionId ? baselineOf(initial) : null,
      },
      selection: { nodes: [], edges: [] },
      measured: {},
      past: [],
      future: [],
      dragging: false,
      lastEdit: null,

      load(graph, from = {}) {
        const versionId = from.versionId ?? null;
        const origin: Origin = {
          docId: newDocId(),
          graphId: from.graphId ?? null,
          versionId,
          baseline: versionId ? baselineOf(graph) : null,
        };
        commit(graph, undefined, { origin, selection: { nodes: [], edges: [] } });
        // Loading the same content again still resets where the document came from.
        if (get().graph === graph) set({ origin, lastEdit: null });
      },

      addNode(kind, position) {
        const { graph, id } = ops.addNode(get().graph, kind, position);
        commit(graph, undefined, { selection: { nodes: [id], edges: [] } });
        return id;
      },

      updateNode(node, key) {
        commit(ops.replaceNode(get().graph, node), key);
      },

      updateGraph(update, key) {
        commit(update(get().graph), key);
      },

      moveNodes(positions, dragging) {
        const state = get();
        const graph = ops.moveNodes(state.graph, positions);
        if (state.dragging) {
          // Later moves of one drag join the step its first move opened.
          set({ graph, dragging });
          return;
        }
        commit(graph, undefined, { dragging });
      },

      setMeasured(sizes) {
        set({ measured: { ...get().measured, ...sizes } });
      },

      renameNode(from, to) {
        const state = get();
        if (!state.graph.nodes.some((n) => n.id === from)) return `no node has the id '${from}'`;
        const problem = ops.nodeIdProblem(state.graph, from, to);
        if (problem) return problem;
        const renamed = ops.renameNode(state.graph, from, to);
        if (!renamed || renamed.graph === state.graph) return null;
        const node = (id: string) => (id === from ? to : id);
        const selection = {
          nodes: state.selection.nodes.map(node),
          edges: state.selection.edges.map((id) => renamed.edgeIds.get(id) ?? id),
        };
        const size = state.measured[from];
        // The old id's size stays too: undo brings the node back under it.
        const measured = size ? { ...state.measured, [to]: size } : state.measured;
        commit(renamed.graph, undefined, { selection, measured }, true);
        return null;
      },

      connect(from, to) {
        const result = ops.connect(get().graph, from, to);
        if (!result) return null;
        commit(result.graph);
        return result.id;
      },

      reconnect(edgeId, from, to) {
        const graph = ops.reconnect(get().graph, edgeId, from, to);
        if (!graph) return false;
        commit(graph);
        return true;
      },

      setEdgeCondition(edgeId, when) {
        commit(ops.setEdgeCondition(get().graph, edgeId, when), `edge:${edgeId}`);
      },

      reorderEdge(edgeId, delta) {
        commit(ops.reorderEdge(get().graph, edgeId, delta));
      },

      remove(nodeIds, edgeIds) {
        if (nodeIds.length === 0 && edgeIds.length === 0) return;
        const graph = ops.removeElements(get().graph, nodeIds, edgeIds);
        commit(graph, undefined, { selection: keepSelection(graph, get().selection) });
      },

      removeSelection() {
        const { nodes, edges } = get().selection;
        get().remove(nodes, edges);
      },

      duplicateSelection() {
        const { nodes } = get().selection;
        if (nodes.length === 0) return;
        const result = ops.duplicate(get().graph, nodes);
        commit(result.graph, undefined, { selection: { nodes: result.ids, edges: [] } });
      },

      select(selection, additive = false) {
        const current = get().selection;
        const next: Selection = additive
          ? {
              nodes: [...new Set([...current.nodes, ...(selection.nodes ?? [])])],
              edges: [...new Set([...current.edges, ...(selection.edges ?? [])])],
            }
          : { nodes: selection.nodes ?? [], edges: selection.edges ?? [] };
        const same =
          next.nodes.length === current.nodes.length &&
          next.edges.length === current.edges.length &&
          next.nodes.every((id, i) => current.nodes[i] === id) &&
          next.edges.every((id, i) => current.edges[i] === id);
        if (!same) set({ selection: next });
      },

      autoLayout() {
        const state = get();
        commit(ops.moveNodes(state.graph, layoutGraph(state.graph, state.measured)));
      },

      undo() {
        travel('past');
      },

      redo() {
        travel('future');
      },

      markSaved(version) {
        const state = get();
        const docId = state.origin.docId;
        const lineage = (snapshot: Snapshot): Snapshot =>
          snapshot.origin.docId === docId && snapshot.origin.graphId === null
            ? { ...snapshot, origin: { ...snapshot.origin, graphId: version.graphId } }
            : snapshot;
        set({
          origin: {
            docId,
            graphId: version.graphId,
            versionId: version.id,
            baseline: baselineOf(version.graph),
          },
          past: state.past.map(lineage),
          future: state.future.map(lineage),
        });
      },
    };
  });
}
