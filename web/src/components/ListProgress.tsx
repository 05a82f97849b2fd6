import { formatDuration, progressEstimate } from '@trellis/shared';

/**
 * A long job's row in a list: done of total as a bar, and while it runs its rate and time left (from the time since
 * it was created, which is what a list knows), after any notes of its own (such as refused proposals).
 */
export function ListProgress({
  name,
  unit,
  done,
  total,
  running,
  createdAt,
  notes = [],
}: {
  name: string;
  /** What is counted, for the bar's label: "runs", "trials", "rounds". */
  unit: string;
  done: number;
  total: number;
  running: boolean;
  createdAt: string;
  notes?: readonly string[];
}) {
  const { ratePerMinute, etaMs } = running
    ? progressEstimate({ total, done, elapsedMs: Date.now() - Date.parse(createdAt) })
    : { ratePerMinute: null, etaMs: null };
  const facts = [
    ...notes,
    ratePerMinute !== null ? `${ratePerMinute.toFixed(1)}/min` : null,
    ratePerMinute !== null && etaMs !== null ? `${formatDuration(etaMs)} left` : null,
  ].filter((fact): fact is string => fact !== null);
  return (
    <div className="list-progress">
      <span
        className="progress-bar"
        role="progressbar"
        aria-label={`${name}: ${unit} done`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
      >
        <span style={{ width: `${(done / Math.max(1, total)) * 100}%` }} />
      </span>
      <span className="num">
        {done}/{total}
      </span>
      {facts.length > 0 ? <span className="muted small">{facts.join(' · ')}</span> : null}
    </div>
  );
}
