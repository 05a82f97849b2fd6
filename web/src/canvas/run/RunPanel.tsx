import { useCancelRun } from '../../api/runs.ts';
import { simulatedModelsOf, TestDoubleTag } from '../../components/TestDoubleNotice.tsx';
import { navigate } from '../../router.ts';
import { RunTrace } from '../../runs/RunTrace.tsx';
import type { RunView } from '../../runs/runView.ts';
import { StatusBadge } from '../../runs/StatusBadge.tsx';

/** The followed run under the canvas: its status, Cancel, a link to the full run page, and the live trace. */
export function RunPanel({ runId, view, onClose }: { runId: string; view: RunView; onClose: () => void }) {
  const cancel = useCancelRun();
  const live = view.finished === null;
  const step = view.steps[view.steps.length - 1]?.step;
  const simulated = simulatedModelsOf(Object.values(view.calls).map((call) => call.model)).length > 0;
  return (
    <section className="run-panel" aria-label="Live run">
      <header className="run-panel-head">
        <StatusBadge status={view.status} />
        <span className="run-panel-title">
          Run <code>{runId}</code>
          {view.started ? (
            <>
              {' '}
              on <code>{view.started.taskId}</code>
            </>
          ) : null}
          {step ? <span className="muted"> · step {step}</span> : null}
          {view.activeNodeId ? (
            <span className="muted">
              {' '}
              · at <code>{view.activeNodeId}</code>
            </span>
          ) : null}
        </span>
        <TestDoubleTag kind={simulated ? 'simulated' : null} />
        <span className="toolbar-spacer" />
        {live ? (
          <button
            type="button"
            className="small ghost danger"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate(runId)}
          >
            {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
          </button>
        ) : null}
        <a
          className="small"
          href={`/runs/${encodeURIComponent(runId)}`}
          onClick={(event) => {
            event.preventDefault();
            navigate(`/runs/${encodeURIComponent(runId)}`);
          }}
        >
          Open run page →
        </a>
        <button type="button" className="small ghost" aria-label="Close the run panel" onClick={onClose}>
          ✕
        </button>
      </header>
      {cancel.error ? <p className="field-error run-panel-error">{cancel.error.message}</p> : null}
      <div className="run-panel-body">
        <RunTrace runId={runId} view={view} />
      </div>
    </section>
  );
}
