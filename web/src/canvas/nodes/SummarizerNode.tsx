import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNodeOf } from '../flowTypes.ts';
import { formatTokens } from './format.ts';
import { NodeShell, Setting } from './NodeShell.tsx';
import { NodeToggle } from './NodeToggle.tsx';
import { useNodeToggle } from './useNodeToggle.ts';

/** Compresses the history past a threshold; shows its trigger and what it keeps. */
export const SummarizerNode = memo(function SummarizerNode({
  data,
  selected,
}: NodeProps<FlowNodeOf<'summarizer'>>) {
  const { config } = data.node;
  const toggle = useNodeToggle();
  const trigger =
    config.trigger.type === 'tokens'
      ? `context > ${formatTokens(config.trigger.threshold)} tok`
      : `every ${config.trigger.every} turns`;
  return (
    <NodeShell
      data={data}
      selected={selected}
      toggle={
        <NodeToggle
          label="Pin artifacts"
          checked={config.pinArtifacts}
          onChange={(pinArtifacts) => toggle(data.node, (c) => ({ ...c, pinArtifacts }))}
        />
      }
    >
      <Setting label="Fires" value={trigger} />
      <Setting label="Keeps" value={`last ${config.keepLastTurns} turns`} />
      <Setting label="Output" value={`${formatTokens(config.budget.maxOutputTokens)} tok`} />
    </NodeShell>
  );
});
