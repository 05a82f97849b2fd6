import type { Evaluation, RunDetail, RunStatus } from '@trellis/shared';
import { type ReactNode, useState } from 'react';
import { isLive, useCancelRun } from '../api/runs.ts';
import { simulatedModelsOf, TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { ClippedText } from './ClippedText.tsx';
import { formatMs, formatTokens, formatWhen } from './format.ts';
import type { RunView } from './runView.ts';
import { StatusBadge } from './StatusBadge.tsx';

function EvaluationResult({ evaluation }: { evaluation: Evaluation }) {
  const [open, setOpen] = useState(false);
  return (
    <div className={`run-evaluation ${evaluation.success ? 'is-pass' : 'is-fail'}`} data-testid="evaluation">
      <button type="button" className="link" aria-expanded={open} onClick={() => setOpen((v) => !v)}>
        <span className="chevron" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        {evaluation.success ? 'Task solved' : 'Task not solved'} · {evaluation.passes.length} of{' '}
        {evaluation.numTests} checks passed
      </button>
      {open ? (
        <ul className="eval-checks">
          {evaluation.failures.map((failure) => (
            <li key={`f-${failure.requirement}`} className="eval-fail">
              <span aria-hidden="true">✗</span> {failure.label}
              {failure.trace ? (
                <ClippedText
                  id={`eval:${failure.requirement}`}
                  text={failure.trace}
                  className="payload small"
                />
              ) : null}
            </li>
          ))}
          {evaluation.passes.map((pass) => (
            <li key={`p-${pass.requirement}`} className="eval-pass">
              <span aria-hidden="true">✓</span> {pass.label}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function liveTokens(
  view: RunView,
): { promptTokens: number; completionTokens: number; durationMs?: number } | null {
  const roles = Object.values(view.liveTotals);
  if (roles.length === 0) return null;
  return {
    promptTokens: roles.reduce((n, r) => n + r.promptTokens, 0),
    completionTokens: roles.reduce((n, r) => n + r.completionTokens, 0),
  };
}

/** The run at a glance: graph, task, status, result, error, and Cancel while it runs. */
export function RunHeader({
  runId,
  run,
  view,
  actions,
}: {
  runId: string;
  run: RunDetail | undefined;
  view: RunView;
  /** What can be done with the run (replay, fork), beside Cancel. */
  actions?: ReactNode;
}) {
  const cancel = useCancelRun();
  const status: RunStatus | 'connecting' = view.finished?.status ?? run?.status ?? view.status;
  const evaluation = view.finished?.evaluation ?? run?.evaluation ?? null;
  const error = view.finished?.error ?? run?.error ?? null;
  const totals = view.finished?.totals ?? run?.totals ?? liveTokens(view);
  const live = status !== 'connecting' && isLive(status);
  // The stored run lists its models once it is read; a live run's calls name them as they are made.
  const models = [...new Set([...(run?.models ?? []), ...Object.values(view.calls).map((c) => c.model)])];
  const simulated = simulatedModelsOf(models).length > 0;
  const elapsed =
    totals?.durationMs ?? (view.firstAt !== null && view.lastAt !== null ? view.lastAt - view.firstAt : null);
  return (
    <section className="card run-header" aria-label="Run">
      <div className="run-header-main">
        <div className="run-title">
          <h1>{view.started?.graphName ?? run?.graphName ?? 'Run'}</h1>
          <StatusBadge status={status} />
          <TestDoubleTag kind={simulated ? 'simulated' : null} />
        </div>
        <div className="run-facts small">
          <span>
            Task <code>{view.started?.taskId ?? run?.taskId ?? '…'}</code>
          </span>
          {run?.difficulty ? <span>difficulty {run.difficulty}</span> : null}
          {models.length > 0 ? (
            <span>
              model{models.length === 1 ? '' : 's'} <code>{models.join(', ')}</code>
            </span>
          ) : null}
          <span>
            {view.steps.length || run?.steps || 0} step{(view.steps.length || run?.steps) === 1 ? '' : 's'}
          </span>
          {totals ? (
            <span>
              {formatTokens(totals.promptTokens)} → {formatTokens(totals.completionTokens)} tokens
            </span>
          ) : null}
          <span>{formatMs(elapsed)}</span>
          <span className="muted">
            <code>{runId}</code> · {formatWhen(run?.createdAt ?? null)}
          </span>
        </div>
      </div>
      <div className="run-header-side">
        {actions}
        {live ? (
          <button
            type="button"
            className="ghost danger"
            disabled={cancel.isPending || cancel.isSuccess}
            onClick={() => cancel.mutate(runId)}
          >
            {cancel.isSuccess ? 'Cancelling…' : 'Cancel run'}
          </button>
        ) : null}
      </div>
      {evaluation || error || cancel.error ? (
        <div className="run-outcome">
          {evaluation ? <EvaluationResult evaluation={evaluation} /> : null}
          {error ? (
            <p className="run-error" role="alert">
              {error}
            </p>
          ) : null}
          {cancel.error ? <p className="run-error">{cancel.error.message}</p> : null}
        </div>
      ) : null}
    </section>
  );
}
