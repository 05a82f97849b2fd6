import { type GraphNode, type NodeKind, nodeKindSpec } from '../graph/registry.ts';

/** A node whose kind calls a model, and so carries an LLM binding. */
export type ModelNode = Extract<GraphNode, { config: { llm: unknown } }>;

/** Whether nodes of this kind call a model, as the kind's spec says. */
export function kindCallsModel(kind: NodeKind): boolean {
  return nodeKindSpec(kind).llm;
}

/** Whether the node calls a model (and so binds an endpoint), as its kind's spec says. */
export function callsModel(node: GraphNode): node is ModelNode {
  return kindCallsModel(node.kind);
}
