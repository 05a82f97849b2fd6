import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNodeOf } from '../flowTypes.ts';
import { formatMs, formatTokens } from './format.ts';
import { NodeShell, Setting } from './NodeShell.tsx';

/** Runs the action in the environment and ends the turn; shows its limits. */
export const ExecutorNode = memo(function ExecutorNode({
  data,
  selected,
}: NodeProps<FlowNodeOf<'executor'>>) {
  const { config } = data.node;
  return (
    <NodeShell data={data} selected={selected}>
      <Setting label="Time limit" value={formatMs(config.timeoutMs)} />
      <Setting label="Observation" value={`≤ ${formatTokens(config.maxObservationChars)} chars`} />
    </NodeShell>
  );
});
