import type { EdgeCondition, GraphIssue, GraphNodeOf, NodeKind } from '@trellis/shared';
import type { Edge, Node } from '@xyflow/react';

/** What every node component receives: its graph node plus what the canvas knows about it. */
export type CanvasNodeData<K extends NodeKind> = {
  node: GraphNodeOf<K>;
  issues: GraphIssue[];
  /** The node each turn starts from. */
  entry: boolean;
  /** The node a followed run is executing now. */
  active: boolean;
  /** Endpoint and model the node will call, in words ("vLLM box · qwen3-8b", "graph default"). */
  binding: string;
};

/** A React Flow node of one kind, typed by its literal. */
export type FlowNodeOf<K extends NodeKind> = Node<CanvasNodeData<K>, K>;
/** A React Flow node of any registered kind. */
export type CanvasNode = { [K in NodeKind]: FlowNodeOf<K> }[NodeKind];

export type ConditionEdgeData = {
  when: EdgeCondition;
  /** 1-based rank among the source's outgoing edges, which are tried in order. */
  rank: number;
  siblings: number;
  issues: GraphIssue[];
};
export type ConditionFlowEdge = Edge<ConditionEdgeData, 'condition'>;
