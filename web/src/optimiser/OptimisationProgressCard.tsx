import { formatDuration, type Optimisation } from '@trellis/shared';
import { useSinceReport } from '../components/useSinceReport.ts';

const width = (part: number, total: number) => `${(part / Math.max(1, total)) * 100}%`;

const PHASE_LABEL = {
  baseline: 'scoring the starting graph',
  proposing: 'the meta-agent is proposing',
  checking: 'checking the proposal (schema, validation, dry run)',
  evaluating: 'scoring on the dev tasks',
} as const;

/** Rounds done of those requested by status, the round and phase now, rate, time left. */
export function OptimisationProgressCard({ optimisation }: { optimisation: Optimisation }) {
  const { progress, candidates } = optimisation;
  const running = optimisation.status === 'running';
  const since = useSinceReport(progress, running);
  const eta = progress.etaMs === null ? null : Math.max(0, progress.etaMs - since);
  const elapsed = progress.elapsedMs + (running ? since : 0);
  const rounds = candidates.filter((c) => c.round > 0);
  const evaluated = rounds.filter((c) => c.status === 'evaluated').length;
  const invalid = rounds.filter((c) => c.status === 'invalid').length;
  const other = rounds.filter((c) => c.status === 'skipped' || c.status === 'errored').length;
  const total = progress.roundsRequested;
  return (
    <section className="card experiment-progress" aria-label="Progress">
      <div className="rescue-score">
        <strong className="rescue-count" data-testid="optimisation-done">
          {progress.roundsDone} of {total} rounds done
        </strong>
        {running && progress.round !== null ? (
          <span className="muted">
            round {progress.round}
            {progress.phase ? `: ${PHASE_LABEL[progress.phase]}` : ''}
          </span>
        ) : null}
      </div>
      <div
        className="rescue-bar"
        role="progressbar"
        aria-label="Rounds done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={progress.roundsDone}
      >
        <span className="bar-passed" style={{ width: width(evaluated, total) }} />
        <span className="bar-failed" style={{ width: width(invalid, total) }} />
        <span className="bar-errored" style={{ width: width(other, total) }} />
        <span className="bar-running" style={{ width: width(running ? 1 : 0, total) }} />
      </div>
      <p className="rescue-facts small" data-testid="optimisation-progress">
        <span>
          <span className="legend-dot bar-passed" aria-hidden="true" />
          {evaluated} evaluated
        </span>
        <span>
          <span className="legend-dot bar-failed" aria-hidden="true" />
          {invalid} invalid
        </span>
        <span className={other > 0 ? 'result-fail' : undefined}>
          <span className="legend-dot bar-errored" aria-hidden="true" />
          {other} skipped or errored
        </span>
        {progress.ratePerMinute !== null ? (
          <span>{progress.ratePerMinute.toFixed(1)} rounds per minute</span>
        ) : null}
        {running && eta !== null ? <span>about {formatDuration(eta)} left</span> : null}
        {elapsed >= 1000 ? (
          <span>
            {formatDuration(elapsed)} {running ? 'so far' : 'in all'}
          </span>
        ) : null}
      </p>
    </section>
  );
}
