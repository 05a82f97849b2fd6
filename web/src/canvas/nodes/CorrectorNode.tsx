import type { CorrectorConfig } from '@trellis/shared';
import type { NodeProps } from '@xyflow/react';
import { memo } from 'react';
import type { FlowNodeOf } from '../flowTypes.ts';
import { NodeShell, Setting } from './NodeShell.tsx';
import { NodeToggle } from './NodeToggle.tsx';
import { useNodeToggle } from './useNodeToggle.ts';

const TRIGGER: Record<CorrectorConfig['trigger'], string> = {
  after_failure: 'after a failure',
  always: 'every action',
  never: 'loop-breaker only',
};

/** Reviews code in isolation; shows when it steps in. */
export const CorrectorNode = memo(function CorrectorNode({
  data,
  selected,
}: NodeProps<FlowNodeOf<'corrector'>>) {
  const { config } = data.node;
  const toggle = useNodeToggle();
  return (
    <NodeShell
      data={data}
      selected={selected}
      toggle={
        <NodeToggle
          label="Loop-breaker"
          checked={config.loopBreaker}
          onChange={(loopBreaker) => toggle(data.node, (c) => ({ ...c, loopBreaker }))}
        />
      }
    >
      <Setting label="Reviews" value={TRIGGER[config.trigger]} />
      <Setting label="Sees" value="code, error, API docs" />
    </NodeShell>
  );
});
