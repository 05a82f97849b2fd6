import type { RunEventOf } from '@trellis/shared';
import type { RunView } from '../runView.ts';
import { StatusBadge } from '../StatusBadge.tsx';

/** The task the run works on, at the top of the trace. */
export function StartRow({ started }: { started: RunEventOf<'run.started'> }) {
  return (
    <div className="trace-start">
      <div className="small muted">
        Task <code>{started.taskId}</code> · {started.graphName} · seed {started.seed} · up to{' '}
        {started.maxSteps} steps
      </div>
      <p className="run-instruction">{started.instruction}</p>
    </div>
  );
}

/** How the run ended, at the bottom of the trace. */
export function EndRow({ finished }: { finished: NonNullable<RunView['finished']> }) {
  const evaluation = finished.evaluation;
  return (
    <div className="trace-end">
      <StatusBadge status={finished.status} />
      {evaluation ? (
        <span className="small">
          {evaluation.passes.length} of {evaluation.numTests} checks passed
        </span>
      ) : null}
      {finished.error ? <span className="trace-error small">{finished.error}</span> : null}
    </div>
  );
}
