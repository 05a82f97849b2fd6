import { z } from 'zod';
import { agentKind } from './nodes/agent.ts';
import { correctorKind } from './nodes/corrector.ts';
import { executorKind } from './nodes/executor.ts';
import type { NodeKindSpec } from './nodes/spec.ts';
import { summarizerKind } from './nodes/summarizer.ts';

/**
 * The node kinds, keyed by their literal. Adding a kind: its spec in nodes/<kind>.ts, one line here and one in
 * GraphNode below, its role module on the server and its component in the web canvas.
 */
export const NODE_KINDS = {
  summarizer: summarizerKind,
  agent: agentKind,
  corrector: correctorKind,
  executor: executorKind,
} as const;

export const NodeKind = z.enum(['summarizer', 'agent', 'corrector', 'executor']);
export type NodeKind = z.infer<typeof NodeKind>;

export function nodeKindSpec(kind: NodeKind): NodeKindSpec {
  return NODE_KINDS[kind] as unknown as NodeKindSpec;
}

export const NodeIdString = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'node ids use letters, digits, _ and -');

const Position = z.object({ x: z.number().finite(), y: z.number().finite() }).strict();

function nodeOf<K extends NodeKind, S extends z.ZodType>(kind: K, config: S) {
  return z
    .object({
      id: NodeIdString,
      kind: z.literal(kind),
      label: z.string().max(80).default(''),
      position: Position.default({ x: 0, y: 0 }),
      config,
    })
    .strict();
}

export const GraphNode = z.discriminatedUnion('kind', [
  nodeOf('summarizer', summarizerKind.config),
  nodeOf('agent', agentKind.config),
  nodeOf('corrector', correctorKind.config),
  nodeOf('executor', executorKind.config),
]);
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
