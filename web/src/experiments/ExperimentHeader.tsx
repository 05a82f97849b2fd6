import type { Experiment } from '@trellis/shared';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useEndpoints } from '../api/endpoints.ts';
import { experimentExports, useCancelExperiment, useRerunErrored } from '../api/experiments.ts';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { formatTokens, formatWhen } from '../runs/format.ts';
import { armColor } from './armColors.ts';
import { ExperimentStatusBadge } from './ExperimentStatusBadge.tsx';
import { count } from './format.ts';

/** The experiment's name and status, its plan (arms, tasks, repeats, limits), its actions and its downloads. */
export function ExperimentHeader({ experiment }: { experiment: Experiment }) {
  const cancel = useCancelExperiment(experiment.id);
  const rerun = useRerunErrored(experiment.id);
  const endpoints = useEndpoints().data ?? [];
  const endpointLabel = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;
  const running = experiment.status === 'running';
  const errored = experiment.progress.errored;
  const files = experimentExports(experiment.id);
  const { limits } = experiment;
  return (
    <section className="card experiment-head" aria-label="Experiment">
      <div className="experiment-head-main">
        <div className="run-title">
          <h1>{experiment.name}</h1>
          <ExperimentStatusBadge status={experiment.status} />
          {experiment.simulated ? <TestDoubleTag kind="simulated" /> : null}
        </div>
        <p className="small muted experiment-facts">
          <span>
            Created {formatWhen(experiment.createdAt)}
            <ByAuthor author={experiment.author} />
          </span>
          <span>
            {count(experiment.arms.length, 'arm')} × {count(experiment.taskCount, 'task')} ×{' '}
            {count(experiment.repeats, 'repeat')} = {count(experiment.total, 'run')}
          </span>
          <span>{limits.concurrencyPerEndpoint} at a time per endpoint</span>
          <span>
            {limits.tokenBudget === null
              ? 'no token budget'
              : `budget ${formatTokens(limits.tokenBudget)} tokens`}
          </span>
          {experiment.finishedAt ? <span>ended {formatWhen(experiment.finishedAt)}</span> : null}
        </p>
        {experiment.stopReason ? (
          <p className="experiment-stop small" role="status">
            Stopped early: {experiment.stopReason}
          </p>
        ) : null}
        <ul className="arm-list" aria-label="Arms">
          {experiment.arms.map((arm) => (
            <li key={arm.index}>
              <span className="arm-swatch" style={{ background: armColor(arm.index) }} aria-hidden="true" />
              <strong>{arm.label}</strong>
              {arm.index === experiment.baselineArm ? <span className="tpill">baseline</span> : null}
              <span className="muted small">
                {[
                  arm.label === arm.graphName ? null : arm.graphName,
                  arm.endpointId ? `on ${endpointLabel(arm.endpointId)}` : 'endpoints as the graph binds',
                  arm.model,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </li>
          ))}
        </ul>
      </div>
      <div className="experiment-head-side">
        <div className="experiment-actions">
          {running ? (
            <button
              type="button"
              className="ghost danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate()}
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel'}
            </button>
          ) : null}
          <button
            type="button"
            disabled={errored === 0 || rerun.isPending}
            title={
              errored === 0
                ? 'No run ended in an error'
                : `Run the ${count(errored, 'item')} whose run errored again (a failed model call, a fault)`
            }
            onClick={() => rerun.mutate()}
          >
            {rerun.isPending ? 'Re-running…' : `Re-run errored${errored > 0 ? ` (${errored})` : ''}`}
          </button>
        </div>
        <div className="experiment-exports small">
          <span className="muted">Download</span>
          <a className="button-link small" href={files.csv} download>
            CSV
          </a>
          <a className="button-link small" href={files.json} download>
            JSON
          </a>
          <a className="button-link small" href={files.markdown} download>
            Markdown
          </a>
        </div>
        {cancel.error ? <p className="run-error">{cancel.error.message}</p> : null}
        {rerun.error ? <p className="run-error">{rerun.error.message}</p> : null}
      </div>
    </section>
  );
}
