import { formatDuration, type Search } from '@trellis/shared';
import { useSinceReport } from '../components/useSinceReport.ts';
import { trialCounts } from './trials.ts';

const width = (part: number, total: number) => `${(part / Math.max(1, total)) * 100}%`;

/** Trials done of those requested (ran, reused, errored, running), refused proposals, rate, time left. */
export function SearchProgressCard({ search }: { search: Search }) {
  const { progress } = search;
  const running = search.status === 'running';
  const since = useSinceReport(progress, running);
  const eta = progress.etaMs === null ? null : Math.max(0, progress.etaMs - since);
  const elapsed = progress.elapsedMs + (running ? since : 0);
  const counts = trialCounts(search.trials);
  const total = progress.trialsRequested;
  return (
    <section className="card experiment-progress" aria-label="Progress">
      <div className="rescue-score">
        <strong className="rescue-count" data-testid="search-done">
          {progress.trialsDone} of {total} trials done
        </strong>
        {running ? <span className="muted">{progress.runningTrials} running</span> : null}
      </div>
      <div
        className="rescue-bar"
        role="progressbar"
        aria-label="Trials done"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={progress.trialsDone}
      >
        <span className="bar-passed" style={{ width: width(counts.done, total) }} />
        <span className="bar-reused" style={{ width: width(counts.reused, total) }} />
        <span className="bar-errored" style={{ width: width(counts.errored, total) }} />
        <span className="bar-running" style={{ width: width(counts.running, total) }} />
      </div>
      <p className="rescue-facts small" data-testid="search-progress">
        <span>
          <span className="legend-dot bar-passed" aria-hidden="true" />
          {counts.done} ran
        </span>
        <span>
          <span className="legend-dot bar-reused" aria-hidden="true" />
          {counts.reused} reused
        </span>
        <span className={counts.errored > 0 ? 'result-fail' : undefined}>
          <span className="legend-dot bar-errored" aria-hidden="true" />
          {counts.errored} errored
        </span>
        <span title="Proposals refused before they ran: over the budget, outside the space, or malformed">
          {counts.refused} refused
        </span>
        {progress.ratePerMinute !== null ? (
          <span>{progress.ratePerMinute.toFixed(1)} trials per minute</span>
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
