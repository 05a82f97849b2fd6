import { memo, useContext } from 'react';
import { FirstFailureContext } from '../../replay/firstFailure.ts';
import { formatMs } from '../format.ts';
import type { NodeVisit, StepView } from '../runView.ts';

const OUTCOME_MARK: Record<NodeVisit['outcome'], string> = {
  running: '…',
  ran: '✓',
  skipped: '–',
  failed: '✗',
};

/** A step's heading: the nodes it visited with their outcome and time; selects the step for inspection. */
export const StepHeader = memo(function StepHeader({
  step,
  selected,
  onSelect,
}: {
  step: StepView;
  rev: number;
  selected: boolean;
  onSelect: (step: number) => void;
}) {
  const running = step.visits.some((v) => v.outcome === 'running');
  const firstFailure = useContext(FirstFailureContext) === step.step;
  return (
    <div className={`trace-step${selected ? ' is-selected' : ''}${firstFailure ? ' is-first-failure' : ''}`}>
      <button
        type="button"
        className="trace-step-button"
        aria-pressed={selected}
        onClick={() => onSelect(step.step)}
      >
        Step {step.step}
      </button>
      {firstFailure ? <span className="first-failure-badge">first failure</span> : null}
      <ul className="step-visits" aria-label={`Step ${step.step} nodes`}>
        {step.visits.map((visit, i) => (
          <li
            // biome-ignore lint/suspicious/noArrayIndexKey: visits are only ever appended
            key={i}
            className={`step-visit step-visit-${visit.outcome} role-${visit.kind}`}
            title={visit.reason ?? `${visit.nodeId}: ${visit.outcome}`}
          >
            <span aria-hidden="true">{OUTCOME_MARK[visit.outcome]}</span> {visit.nodeId}
            {visit.durationMs !== null && visit.outcome !== 'skipped' ? (
              <span className="muted"> {formatMs(visit.durationMs)}</span>
            ) : null}
          </li>
        ))}
      </ul>
      <span className="muted small push-end">
        {running ? 'running' : formatMs(step.endedAt - step.startedAt)}
      </span>
    </div>
  );
});
