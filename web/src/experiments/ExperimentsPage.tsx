import type { ExperimentSummary } from '@trellis/shared';
import { useState } from 'react';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useExperiments } from '../api/experiments.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { ListProgress } from '../components/ListProgress.tsx';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { navigate } from '../router.ts';
import { formatWhen } from '../runs/format.ts';
import { ExperimentForm } from './ExperimentForm.tsx';
import { ExperimentStatusBadge } from './ExperimentStatusBadge.tsx';
import { Link } from './Link.tsx';
import { experimentHref } from './links.ts';
import '../runs.css';
import '../replay/replay.css';
import './experiments.css';

function ExperimentRow({ experiment }: { experiment: ExperimentSummary }) {
  const href = experimentHref(experiment.id);
  const labels = experiment.arms.map((arm) => arm.label);
  return (
    <tr className="run-row" onClick={() => navigate(href)}>
      <td>
        <ExperimentStatusBadge status={experiment.status} />
      </td>
      <td>
        <span className="experiment-name-cell">
          <Link href={href}>{experiment.name}</Link>
          {experiment.simulated ? <TestDoubleTag kind="simulated" short /> : null}
        </span>
      </td>
      <td className="arms-cell" title={labels.join(', ')}>
        <span className="num-inline">{experiment.arms.length}</span>{' '}
        <span className="muted">{labels.join(' · ')}</span>
      </td>
      <td className="num">
        {experiment.taskCount} × {experiment.repeats}
      </td>
      <td>
        <ListProgress
          name={experiment.name}
          unit="runs"
          done={experiment.done}
          total={experiment.total}
          running={experiment.status === 'running'}
          createdAt={experiment.createdAt}
        />
      </td>
      <td className="muted small">
        {formatWhen(experiment.createdAt)}
        <ByAuthor author={experiment.author} />
      </td>
    </tr>
  );
}

/** Every experiment, newest first, and the form that starts one. */
export function ExperimentsPage() {
  const experiments = useExperiments();
  const list = experiments.data?.experiments ?? [];
  const [creating, setCreating] = useState(false);
  const formOpen = creating || (experiments.data !== undefined && list.length === 0);
  return (
    <section className="page experiments-page">
      <div className="page-head">
        <div>
          <h1>Experiments</h1>
          <p className="muted">
            Scaffolds evaluated over a task set, side by side: rates with their intervals, paired comparisons
            against a baseline, cost per task, and where each arm fails.
          </p>
        </div>
        {formOpen ? null : (
          <button type="button" className="primary page-head-action" onClick={() => setCreating(true)}>
            New experiment
          </button>
        )}
      </div>
      {experiments.error ? (
        <ErrorBanner title="Could not load experiments" message={experiments.error.message} />
      ) : null}
      {formOpen ? (
        <ExperimentForm
          onCancel={list.length > 0 ? () => setCreating(false) : undefined}
          onCreated={(experiment) => navigate(experimentHref(experiment.id))}
        />
      ) : null}
      {list.length > 0 ? (
        <div className="card runs-card">
          <table className="runs-table experiments-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Name</th>
                <th>Arms</th>
                <th className="num">Tasks × repeats</th>
                <th>Progress</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((experiment) => (
                <ExperimentRow key={experiment.id} experiment={experiment} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
