import { useMemo } from 'react';
import { kindStyle } from '../kindStyle.ts';
import { formatMs } from './format.ts';
import type { RunView } from './runView.ts';
import { stackBackground, stepTiming } from './timeline.ts';

/**
 * Where the time went: one column per step, its height the step's duration, split into one segment per role
 * (drawn as the column's background).
 * Clicking a column selects the step.
 */
export function StepTimeline({
  view,
  selectedStep,
  firstFailure = null,
  onSelect,
}: {
  /** null while the page's first paint is under way: the card keeps its size, empty. */
  view: RunView | null;
  selectedStep: number | null;
  /** The step where the run first failed, marked on its column. */
  firstFailure?: number | null;
  onSelect: (step: number) => void;
}) {
  const timings = useMemo(() => view?.steps.map(stepTiming) ?? [], [view]);
  const longest = Math.max(1, ...timings.map((t) => t.totalMs));
  const kinds = [...new Set(timings.flatMap((t) => t.segments.map((s) => s.kind)))];
  return (
    <section className="card step-timeline" aria-label="Step timeline" aria-busy={view === null}>
      <header className="timeline-head">
        <h3>Time per step</h3>
        <ul className="timeline-legend">
          {kinds.map((kind) => (
            <li key={kind}>
              <span className="timeline-swatch" style={kindStyle(kind)} aria-hidden="true" />
              {kind}
            </li>
          ))}
          {firstFailure !== null ? (
            <li className="timeline-legend-failure">
              <span aria-hidden="true">✗</span> first failure: step {firstFailure}
            </li>
          ) : null}
        </ul>
        {view ? <span className="muted small">longest {formatMs(longest)}</span> : null}
      </header>
      {view === null ? (
        <div className="timeline-bars" />
      ) : timings.length === 0 ? (
        <p className="muted small">No steps yet.</p>
      ) : (
        <div className="timeline-bars">
          {timings.map((timing) => (
            <button
              key={timing.step}
              type="button"
              className={`timeline-col${selectedStep === timing.step ? ' is-selected' : ''}${
                firstFailure === timing.step ? ' is-first-failure' : ''
              }`}
              aria-label={`Step ${timing.step}: ${formatMs(timing.totalMs)}${
                firstFailure === timing.step ? ', first failure' : ''
              }`}
              title={`Step ${timing.step} · ${formatMs(timing.totalMs)}\n${timing.segments
                .map((s) => `${s.kind}: ${formatMs(s.ms)}`)
                .join('\n')}`}
              style={{ backgroundImage: stackBackground(timing, longest) }}
              onClick={() => onSelect(timing.step)}
            >
              {firstFailure === timing.step ? (
                <span className="timeline-marker" data-testid="first-failure-marker" aria-hidden="true">
                  ✗
                </span>
              ) : null}
            </button>
          ))}
        </div>
      )}
    </section>
  );
}
