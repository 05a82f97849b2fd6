import type { RunStatus } from '@trellis/shared';
import { kindStyle } from '../kindStyle.ts';

const LABELS: Record<RunStatus | 'connecting', string> = {
  connecting: 'Connecting',
  queued: 'Queued',
  running: 'Running',
  succeeded: 'Succeeded',
  failed: 'Failed',
  errored: 'Errored',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export function StatusBadge({ status }: { status: RunStatus | 'connecting' }) {
  return (
    <span className={`run-badge run-badge-${status}`} data-testid="run-status">
      {status === 'running' ? <span className="live-dot" aria-hidden="true" /> : null}
      {LABELS[status]}
    </span>
  );
}

export function RoleTag({ kind }: { kind: string }) {
  return (
    <span className="role-tag" style={kindStyle(kind)}>
      {kind}
    </span>
  );
}
