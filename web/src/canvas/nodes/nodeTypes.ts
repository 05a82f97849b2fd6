import type { NodeKind } from '@trellis/shared';
import type { NodeTypes } from '@xyflow/react';
import { AgentNode } from './AgentNode.tsx';
import { CorrectorNode } from './CorrectorNode.tsx';
import { ExecutorNode } from './ExecutorNode.tsx';
import { SummarizerNode } from './SummarizerNode.tsx';

/** Each node kind's component, keyed by the kind literal. Adding a kind adds one line here. */
export const nodeTypes = {
  summarizer: SummarizerNode,
  agent: AgentNode,
  corrector: CorrectorNode,
  executor: ExecutorNode,
} satisfies Record<NodeKind, NodeTypes[string]>;
