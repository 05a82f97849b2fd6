import { type ExperimentProgress, formatDuration } from '@trellis/shared';
import { useSinceReport } from '../components/useSinceReport.ts';
import { formatTokens } from '../runs/format.ts';

const width = (part: number, total: number) => `${(part / Math.max(1, total)) * 100}%`;

/**
 * Done of total as a bar (passed, did not pass, errored, skipped), with the rate, time left and tokens spent.
 * Items skipped when the experiment stopped are among those done; `skipped` says how many.
 */
export function ExperimentProgressCard({
  progress,
  skipped,
}: {
  progress: ExperimentProgress;
  /** Items skipped when the experiment stopped (a spent budget, a cancel); null while the items load. */
  skipped: number | null;
}) {
  const running = progress.status === 'running';
  const since = useSinceReport(progress, running);
  const eta = progress.etaMs === null ? null : Math.max(0, progress.etaMs - since);
  const elapsed = progress.elapsedMs + (running ? since : 0);
  const notRun = skipped ?? 0;
  const other = Math.max(0, progress.done - progress.succeeded - progress.errored - notRun);
  const budget = progress.tokenBudget;
  return (
    <section className="card experiment-progress" aria-label="Progress">
      <div className="rescue-score">
        <strong className="rescue-count" data-testid="experiment-done">
          {progress.done} of {progress.total} done
        </strong>
        {running ? <span className="muted">{progress.running} running</span> : null}
      </div>
      <div
        className="rescue-bar"
        role="progressbar"
        aria-label="Runs done"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
      >
        <span className="bar-passed" style={{ width: width(progress.succeeded, progress.total) }} />
        <span className="bar-failed" style={{ width: width(other, progress.total) }} />
        <span className="bar-errored" style={{ width: width(progress.errored, progress.total) }} />
        <span className="bar-running" style={{ width: width(progress.running, progress.total) }} />
        <span className="bar-skipped" style={{ width: width(notRun, progress.total) }} />
      </div>
      <p className="rescue-facts small" data-testid="experiment-progress">
        <span>
          <span className="legend-dot bar-passed" aria-hidden="true" />
          {progress.succeeded} succeeded
        </span>
        <span>
          <span className="legend-dot bar-failed" aria-hidden="true" />
          {other} did not pass
        </span>
        <span className={progress.errored > 0 ? 'result-fail' : undefined}>
          <span className="legend-dot bar-errored" aria-hidden="true" />
          {progress.errored} errored
        </span>
        {notRun > 0 ? (
          <span>
            <span className="legend-dot bar-skipped" aria-hidden="true" />
            {notRun} skipped
          </span>
        ) : null}
        {progress.ratePerMinute !== null ? <span>{progress.ratePerMinute.toFixed(1)} per minute</span> : null}
        {running && eta !== null ? <span>about {formatDuration(eta)} left</span> : null}
        {elapsed >= 1000 ? (
          <span>
            {formatDuration(elapsed)} {running ? 'so far' : 'in all'}
          </span>
        ) : null}
        <span>
          {formatTokens(progress.tokensUsed)}
          {budget !== null
            ? ` of ${formatTokens(budget)} tokens (${Math.round((progress.tokensUsed / budget) * 100)}%)`
            : ' tokens'}
        </span>
      </p>
    </section>
  );
}
