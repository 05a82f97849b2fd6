import type { ExperimentStatus } from '@trellis/shared';

export const experimentHref = (id: string) => `/experiments/${encodeURIComponent(id)}`;
export const runHref = (id: string) => `/runs/${encodeURIComponent(id)}`;

/** An experiment's status badge borrows the run badges' colours: stopped early (a spent budget) reads as a warning. */
export const EXPERIMENT_STATUS_CLASS: Record<ExperimentStatus, string> = {
  running: 'run-badge-running',
  finished: 'run-badge-succeeded',
  cancelled: 'run-badge-cancelled',
  stopped: 'run-badge-failed',
};
