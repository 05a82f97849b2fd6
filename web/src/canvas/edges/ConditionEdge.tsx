import { describeCondition } from '@trellis/shared';
import { BaseEdge, EdgeLabelRenderer, type EdgeProps, getBezierPath } from '@xyflow/react';
import { memo } from 'react';
import type { ConditionFlowEdge } from '../flowTypes.ts';
import { useEditor, useEditorStore } from '../store/EditorProvider.tsx';
import { ConditionForm } from './ConditionForm.tsx';

/**
 * An edge with its condition written on it. Clicking the label selects the edge and opens the condition
 * editor in place; edges with issues are drawn red with the message on hover.
 */
export const ConditionEdge = memo(function ConditionEdge(props: EdgeProps<ConditionFlowEdge>) {
  const { id, data, selected, markerEnd } = props;
  const store = useEditorStore();
  const alone = useEditor((s) => s.selection.edges.length === 1 && s.selection.nodes.length === 0);
  const [path, labelX, labelY] = getBezierPath(props);
  if (!data) return null;
  const error = data.issues.find((i) => i.severity === 'error');
  const label = describeCondition(data.when);
  const order = data.siblings > 1 ? `${data.rank} · ` : '';
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        markerEnd={markerEnd}
        className={`tedge tedge-${data.when.type}${error ? ' tedge-error' : ''}${selected ? ' tedge-selected' : ''}`}
      />
      <EdgeLabelRenderer>
        <div
          className="tedge-label-wrap nodrag nopan"
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid={`edge-${id}`}
        >
          <button
            type="button"
            className={`tedge-label tedge-label-${data.when.type}${error ? ' tedge-label-error' : ''}`}
            data-selected={selected || undefined}
            title={error ? error.message : `Edge ${id}: ${label}. Click to change.`}
            aria-label={`Edge ${id}: ${label}`}
            onClick={(event) => {
              event.stopPropagation();
              store.getState().select({ nodes: [], edges: [id] });
            }}
          >
            {error ? '⚠ ' : ''}
            {order}
            {label}
          </button>
          {selected && alone ? (
            <div className="tedge-popover">
              <ConditionForm edgeId={id} compact />
            </div>
          ) : null}
        </div>
      </EdgeLabelRenderer>
    </>
  );
});

export const edgeTypes = { condition: ConditionEdge };
