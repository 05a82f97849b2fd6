import {
  createNode,
  type EdgeCondition,
  GRAPH_SCHEMA_VERSION,
  type Graph,
  type GraphEdge,
  type GraphNode,
  NodeIdString,
  type NodeKind,
} from '@trellis/shared';

/**
 * Pure edits of a scaffold graph. Each returns a new graph and leaves untouched nodes and edges as the same
 * objects, so the canvas can tell cheaply which nodes changed.
 */

export interface XY {
  x: number;
  y: number;
}

/** A blank document: no nodes yet, so it is not a valid graph until the first node arrives. */
export function emptyGraph(name = 'Untitled scaffold'): Graph {
  return {
    schemaVersion: GRAPH_SCHEMA_VERSION,
    name,
    description: '',
    entry: '',
    nodes: [],
    edges: [],
    limits: { maxSteps: 40, tokenBudget: null },
    defaults: { endpointId: null, model: null },
  };
}

/** A readable id: the kind itself, then kind-2, kind-3… (validation messages quote ids). */
export function nextNodeId(graph: Graph, kind: NodeKind): string {
  const taken = new Set(graph.nodes.map((n) => n.id));
  if (!taken.has(kind)) return kind;
  for (let i = 2; ; i++) if (!taken.has(`${kind}-${i}`)) return `${kind}-${i}`;
}

const edgeIdBase = (from: string, to: string) => `${from}->${to}`.slice(0, 60);

function freeEdgeId(taken: ReadonlySet<string>, from: string, to: string): string {
  const base = edgeIdBase(from, to);
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}#${i}`)) return `${base}#${i}`;
}

export function nextEdgeId(graph: Graph, from: string, to: string): string {
  return freeEdgeId(new Set(graph.edges.map((e) => e.id)), from, to);
}

/** Whether an edge's id is the one the editor would have given it (`from->to`, maybe `#2`), not a chosen one. */
function hasDerivedId(edge: GraphEdge): boolean {
  const base = edgeIdBase(edge.from, edge.to);
  return edge.id === base || (edge.id.startsWith(`${base}#`) && /^\d+$/.test(edge.id.slice(base.length + 1)));
}

const roundXY = (p: XY): XY => ({ x: Math.round(p.x), y: Math.round(p.y) });

export function addNode(graph: Graph, kind: NodeKind, position: XY): { graph: Graph; id: string } {
  const id = nextNodeId(graph, kind);
  const node = createNode(kind, id, roundXY(position));
  const entryValid = graph.nodes.some((n) => n.id === graph.entry);
  return { graph: { ...graph, nodes: [...graph.nodes, node], entry: entryValid ? graph.entry : id }, id };
}

export function replaceNode(graph: Graph, node: GraphNode): Graph {
  return { ...graph, nodes: graph.nodes.map((n) => (n.id === node.id ? node : n)) };
}

export function moveNodes(graph: Graph, positions: Record<string, XY>): Graph {
  return {
    ...graph,
    nodes: graph.nodes.map((n) => {
      const p = positions[n.id];
      return p && (p.x !== n.position.x || p.y !== n.position.y) ? { ...n, position: roundXY(p) } : n;
    }),
  };
}

/** Removes nodes and every edge touching them; the entry moves to the first node left. */
export function removeElements(graph: Graph, nodeIds: readonly string[], edgeIds: readonly string[]): Graph {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  const kept = graph.nodes.filter((n) => !nodes.has(n.id));
  return {
    ...graph,
    nodes: kept,
    edges: graph.edges.filter((e) => !edges.has(e.id) && !nodes.has(e.from) && !nodes.has(e.to)),
    entry: nodes.has(graph.entry) ? (kept[0]?.id ?? '') : graph.entry,
  };
}

/** Why a connection is refused, or null when it may be made. */
export function connectionProblem(graph: Graph, from: string, to: string): string | null {
  if (from === to) return 'a node cannot lead to itself';
  if (!graph.nodes.some((n) => n.id === from) || !graph.nodes.some((n) => n.id === to))
    return 'both ends must be nodes of this graph';
  if (graph.edges.some((e) => e.from === from && e.to === to)) return 'these nodes are already connected';
  return null;
}

export function connect(graph: Graph, from: string, to: string): { graph: Graph; id: string } | null {
  if (connectionProblem(graph, from, to)) return null;
  const id = nextEdgeId(graph, from, to);
  const edge: GraphEdge = { id, from, to, when: { type: 'always' } };
  return { graph: { ...graph, edges: [...graph.edges, edge] }, id };
}

/**
 * Why an edge cannot be moved to these ends, or null when it may: the rules of `connect`, ignoring the edge
 * itself. Moving an edge onto the ends it already has is no change, so it is refused too.
 */
export function reconnectProblem(graph: Graph, edgeId: string, from: string, to: string): string | null {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) return 'the edge is no longer in the graph';
  if (edge.from === from && edge.to === to) return 'the edge already joins these nodes';
  return connectionProblem({ ...graph, edges: graph.edges.filter((e) => e !== edge) }, from, to);
}

/**
 * Moves an edge's ends. It keeps its id, its condition and its place among its source's edges, so undo, the
 * inspector and the order the engine tries edges in all still recognise it. Null when refused.
 */
export function reconnect(graph: Graph, edgeId: string, from: string, to: string): Graph | null {
  if (reconnectProblem(graph, edgeId, from, to)) return null;
  return { ...graph, edges: graph.edges.map((e) => (e.id === edgeId ? { ...e, from, to } : e)) };
}

const ID_CHARACTER = /[A-Za-z0-9_-]/g;

/** Why a node cannot be renamed to `id`, naming the cause, or null when it can. */
export function nodeIdProblem(graph: Graph, current: string, id: string): string | null {
  if (id === current) return null;
  if (id === '') return 'a node needs an id';
  if (id.length > 64) return `an id has at most 64 characters; this one has ${id.length}`;
  const stray = [...new Set(id.replace(ID_CHARACTER, ''))];
  if (stray.length > 0) {
    const named = stray.map((c) => (c === ' ' ? 'spaces' : `'${c}'`)).join(', ');
    return `ids use only letters, digits, _ and -, not ${named}`;
  }
  if (!NodeIdString.safeParse(id).success) return 'not a valid node id';
  if (graph.nodes.some((n) => n.id === id)) return `another node already has the id '${id}'`;
  return null;
}

export interface Renamed {
  graph: Graph;
  /** Old edge id to new, for the edges whose ids were derived from the node's old id. */
  edgeIds: Map<string, string>;
}

/**
 * Renames a node everywhere the graph names it: the node, its edges' ends and the entry. Edges whose ids the
 * editor derived from their ends (`agent->executor`) are re-derived so messages quoting them stay true; ids
 * someone chose are kept. Null when the new id is refused (see nodeIdProblem) or the node does not exist.
 */
export function renameNode(graph: Graph, from: string, to: string): Renamed | null {
  if (!graph.nodes.some((n) => n.id === from) || nodeIdProblem(graph, from, to)) return null;
  if (from === to) return { graph, edgeIds: new Map() };
  const swap = (id: string) => (id === from ? to : id);
  const touches = (e: GraphEdge) => e.from === from || e.to === from;
  const rederive = graph.edges.filter((e) => touches(e) && hasDerivedId(e));
  const taken = new Set(graph.edges.filter((e) => !rederive.includes(e)).map((e) => e.id));
  const edgeIds = new Map<string, string>();
  for (const edge of rederive) {
    const id = freeEdgeId(taken, swap(edge.from), swap(edge.to));
    taken.add(id);
    edgeIds.set(edge.id, id);
  }
  return {
    graph: {
      ...graph,
      entry: swap(graph.entry),
      nodes: graph.nodes.map((n) => (n.id === from ? { ...n, id: to } : n)),
      edges: graph.edges.map((e) =>
        touches(e) ? { ...e, id: edgeIds.get(e.id) ?? e.id, from: swap(e.from), to: swap(e.to) } : e,
      ),
    },
    edgeIds,
  };
}

export function setEdgeCondition(graph: Graph, edgeId: string, when: EdgeCondition): Graph {
  return { ...graph, edges: graph.edges.map((e) => (e.id === edgeId ? { ...e, when } : e)) };
}

/** Outgoing edges are tried in order: moves an edge earlier (-1) or later (+1) among its source's edges. */
export function reorderEdge(graph: Graph, edgeId: string, delta: -1 | 1): Graph {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) return graph;
  const siblings = graph.edges.map((e, i) => ({ e, i })).filter(({ e }) => e.from === edge.from);
  const at = siblings.findIndex(({ e }) => e.id === edgeId);
  const other = siblings[at + delta];
  if (!other) return graph;
  const edges = [...graph.edges];
  const self = siblings[at]!;
  edges[self.i] = other.e;
  edges[other.i] = self.e;
  return { ...graph, edges };
}

/** The 1-based rank of an edge among its source's outgoing edges, and how many there are. */
export function edgeOrder(graph: Graph, edgeId: string): { rank: number; of: number } {
  const edge = graph.edges.find((e) => e.id === edgeId);
  if (!edge) return { rank: 0, of: 0 };
  const siblings = graph.edges.filter((e) => e.from === edge.from);
  return { rank: siblings.indexOf(edge) + 1, of: siblings.length };
}

/**
 * Copies nodes with fresh ids, offset so the copies are visible, with the edges that run between them.
 * Returns the new ids in the order of the originals.
 */
export function duplicate(graph: Graph, nodeIds: readonly string[], offset: XY = { x: 40, y: 40 }) {
  const picked = new Set(nodeIds);
  let next = graph;
  const renamed = new Map<string, string>();
  for (const node of graph.nodes) {
    if (!picked.has(node.id)) continue;
    const id = nextNodeId(next, node.kind);
    renamed.set(node.id, id);
    const copy = structuredClone(node);
    copy.id = id;
    copy.position = { x: node.position.x + offset.x, y: node.position.y + offset.y };
    next = { ...next, nodes: [...next.nodes, copy] };
  }
  for (const edge of graph.edges) {
    const from = renamed.get(edge.from);
    const to = renamed.get(edge.to);
    if (!from || !to) continue;
    next = {
      ...next,
      edges: [...next.edges, { id: nextEdgeId(next, from, to), from, to, when: structuredClone(edge.when) }],
    };
  }
  return { graph: next, ids: [...renamed.values()] };
}
