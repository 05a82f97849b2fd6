import { NODE_KINDS, type NodeKind } from '@trellis/shared';
import { Handle, Position } from '@xyflow/react';
import type { ReactNode } from 'react';
import { kindStyle } from '../../kindStyle.ts';
import type { CanvasNodeData } from '../flowTypes.ts';

/** One key setting, shown as a label and a value on the node's face. */
export function Setting({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="tnode-setting">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/**
 * The frame every node kind shares: handles, kind header, label and id, binding, validation state and the
 * active-run highlight. Each kind's component fills in its key settings.
 */
export function NodeShell<K extends NodeKind>({
  data,
  selected,
  children,
  toggle,
}: {
  data: CanvasNodeData<K>;
  selected: boolean;
  children: ReactNode;
  toggle?: ReactNode;
}) {
  const { node, issues, entry, active, binding } = data;
  const errors = issues.filter((i) => i.severity === 'error');
  const severity = errors.length > 0 ? 'error' : issues.length > 0 ? 'warning' : undefined;
  // Warnings (no endpoint yet) are common while drafting: the badge and outline say enough; errors get words.
  const shown = errors[0];
  const spec = NODE_KINDS[node.kind];
  return (
    <article
      className="tnode"
      style={kindStyle(node.kind)}
      data-selected={selected || undefined}
      data-active={active || undefined}
      data-severity={severity}
      data-testid={`node-${node.id}`}
      aria-label={`${spec.label} ${node.label || node.id}`}
    >
      <Handle type="target" position={Position.Left} className="tnode-handle" />
      <header className="tnode-head">
        <span className="tnode-glyph" aria-hidden="true">
          {spec.presentation.glyph}
        </span>
        <span className="tnode-kind">{spec.label}</span>
        {entry ? <span className="tnode-entry">entry</span> : null}
        {active ? <span className="tnode-live">running</span> : null}
        {issues.length > 0 ? (
          <span
            className={`tnode-issues tnode-issues-${severity}`}
            title={issues.map((i) => i.message).join('\n')}
            data-testid="node-issue-count"
          >
            {issues.length}
          </span>
        ) : null}
      </header>
      <div className="tnode-body">
        <div className="tnode-title">
          <strong>{node.label || spec.label}</strong>
          <code>{node.id}</code>
        </div>
        <div className="tnode-binding" title={binding}>
          {binding}
        </div>
        <dl className="tnode-settings">{children}</dl>
        {toggle}
      </div>
      {shown ? (
        <p
          className={`tnode-message tnode-message-${shown.severity}`}
          data-testid="node-issue"
          title={shown.message}
        >
          <span>{shown.message}</span>
        </p>
      ) : null}
      <Handle type="source" position={Position.Right} className="tnode-handle" />
    </article>
  );
}
