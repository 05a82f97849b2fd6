import type { ExperimentStatus } from '@trellis/shared';
import { EXPERIMENT_STATUS_CLASS } from './links.ts';

export function ExperimentStatusBadge({ status }: { status: ExperimentStatus }) {
  return (
    <span className={`run-badge ${EXPERIMENT_STATUS_CLASS[status]}`} data-testid="experiment-status">
      {status === 'running' ? <span className="live-dot" aria-hidden="true" /> : null}
      {status}
    </span>
  );
}
