import type { z } from 'zod';
import { defineNodeRegistry } from './kindRegistry.ts';
import { agentKind } from './nodes/agent.ts';
import { correctorKind } from './nodes/corrector.ts';
import { executorKind } from './nodes/executor.ts';
import type { NodeKindSpec } from './nodes/spec.ts';
import { summarizerKind } from './nodes/summarizer.ts';

/**
 * The node kinds: the one place they are listed. The kind enum, the node union and the presentation order are
 * derived from it; the per-kind tables elsewhere (the engine's `ROLES`, the canvas's `nodeTypes`) are keyed by
 * `NodeKind` and fail to compile when a kind is missing. Adding a kind: its spec in nodes/<kind>.ts and one line
 * here, then its role module on the server and its component in the web canvas (docs/architecture.md).
 */
const registry = defineNodeRegistry({
  summarizer: summarizerKind,
  agent: agentKind,
  corrector: correctorKind,
  executor: executorKind,
});

export const NODE_KINDS = registry.kinds;

export const NodeKind = registry.NodeKind;
export type NodeKind = z.infer<typeof NodeKind>;

/** The kinds in presentation order (the order a turn visits them): every table, legend and the palette. */
export const NODE_KIND_ORDER: readonly NodeKind[] = registry.order;

export function nodeKindSpec(kind: NodeKind): NodeKindSpec {
  return NODE_KINDS[kind] as unknown as NodeKindSpec;
}

export const GraphNode = registry.GraphNode;
export type GraphNode = z.infer<typeof GraphNode>;
export type GraphNodeOf<K extends NodeKind> = Extract<GraphNode, { kind: K }>;

/** A fresh node of a kind with its default config. */
export function createNode(kind: NodeKind, id: string, position = { x: 0, y: 0 }, label = ''): GraphNode {
  return GraphNode.parse({
    id,
    kind,
    label: label || NODE_KINDS[kind].label,
    position,
    config: NODE_KINDS[kind].defaults(),
  });
}
