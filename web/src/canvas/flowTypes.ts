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

export type SummarizerFlowNode = Node<CanvasNodeData<'summarizer'>, 'summarizer'>;
export type AgentFlowNode = Node<CanvasNodeData<'agent'>, 'agent'>;
export type CorrectorFlowNode = Node<CanvasNodeData<'corrector'>, 'corrector'>;
export type ExecutorFlowNode = Node<CanvasNodeData<'executor'>, 'executor'>;
export type CanvasNode = SummarizerFlowNode | AgentFlowNode | CorrectorFlowNode | ExecutorFlowNode;

export type ConditionEdgeData = {
  when: EdgeCondition;
  /** 1-based rank among the source's outgoing edges, which are tried in order. */
  rank: number;
  siblings: number;
  issues: GraphIssue[];
};
export type ConditionFlowEdge = Edge<ConditionEdgeData, 'condition'>;
