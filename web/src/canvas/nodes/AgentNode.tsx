import type { AgentConfig } from '@trellis/shared';
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNodeOf } from '../flowTypes.ts';
import { formatTokens } from './format.ts';
import { NodeShell, Setting } from './NodeShell.tsx';
import { NodeToggle } from './NodeToggle.tsx';
import { useNodeToggle } from './useNodeToggle.ts';

function contextText(context: AgentConfig['context']): string {
  switch (context.type) {
    case 'compressed':
      return 'compressed history';
    case 'full':
      return 'full history';
    case 'last_k':
      return `last ${context.k} turns`;
    case 'inputs_only':
      return 'inputs only';
  }
}

/** Writes the next Python action; shows what context it sees and how it samples. */
export const AgentNode = memo(function AgentNode({ data, selected }: NodeProps<FlowNodeOf<'agent'>>) {
  const { config } = data.node;
  const toggle = useNodeToggle();
  const temperature = config.llm.params.temperature;
  return (
    <NodeShell
      data={data}
      selected={selected}
      toggle={
        <NodeToggle
          label="Thinking"
          checked={config.llm.thinking}
          onChange={(thinking) => toggle(data.node, (c) => ({ ...c, llm: { ...c.llm, thinking } }))}
        />
      }
    >
      <Setting label="Sees" value={contextText(config.context)} />
      <Setting label="Temp" value={temperature === undefined ? 'server default' : String(temperature)} />
      <Setting label="Output" value={`${formatTokens(config.budget.maxOutputTokens)} tok`} />
    </NodeShell>
  );
});
