import type { OptimisationSummary } from '@trellis/shared';
import { useState } from 'react';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useOptimisations } from '../api/optimisations.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { ListProgress } from '../components/ListProgress.tsx';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { ExperimentStatusBadge } from '../experiments/ExperimentStatusBadge.tsx';
import { percent, points } from '../experiments/format.ts';
import { Link } from '../experiments/Link.tsx';
import { navigate } from '../router.ts';
import { formatWhen } from '../runs/format.ts';
import { optimisationHref } from './links.ts';
import { OptimisationForm } from './OptimisationForm.tsx';
import '../runs.css';
import '../replay/replay.css';
import '../experiments/experiments.css';
import '../search/search.css';
import './optimiser.css';

function OptimisationRow({ optimisation: o }: { optimisation: OptimisationSummary }) {
  const href = optimisationHref(o.id);
  const start = o.baseline?.score?.rate ?? null;
  const best = o.best?.score.rate ?? null;
  return (
    <tr className="run-row" onClick={() => navigate(href)}>
      <td>
        <ExperimentStatusBadge status={o.status} />
      </td>
      <td>
        <span className="experiment-name-cell">
          <Link href={href}>{o.name}</Link>
          {o.simulated ? <TestDoubleTag kind="simulated" short /> : null}
        </span>
        <span className="list-subline muted small">
          {o.graphName} · meta-agent {o.metaAgent.model ?? 'at its endpoint’s default model'}
        </span>
      </td>
      <td>
        <ListProgress
          name={o.name}
          unit="rounds"
          done={o.roundsDone}
          total={o.roundsRequested}
          running={o.status === 'running'}
          createdAt={o.createdAt}
        />
      </td>
      <td className="num">
        {percent(start)} → <strong>{percent(best)}</strong>
        {start !== null && best !== null ? (
          <span className="muted small"> ({points(best - start)})</span>
        ) : null}
      </td>
      <td className="muted small">
        {formatWhen(o.createdAt)}
        <ByAuthor author={o.author} />
      </td>
    </tr>
  );
}

/** Every optimisation, newest first, and the form that starts one. */
export function OptimisationsPage() {
  const optimisations = useOptimisations();
  const list = optimisations.data?.optimisations ?? [];
  const [creating, setCreating] = useState(false);
  const formOpen = creating || (optimisations.data !== undefined && list.length === 0);
  return (
    <section className="page experiments-page optimisations-page">
      <div className="page-head">
        <div>
          <h1>Optimiser</h1>
          <p className="muted">
            A meta-agent edits a scaffold round by round from its dev results: each edit is checked, dry-run
            and repaired up to three times, then scored on dev; the best graph so far is edited next, and
            every round is kept as training data.
          </p>
        </div>
        {formOpen ? null : (
          <button type="button" className="primary page-head-action" onClick={() => setCreating(true)}>
            New optimisation
          </button>
        )}
      </div>
      {optimisations.error ? (
        <ErrorBanner title="Could not load optimisations" message={optimisations.error.message} />
      ) : null}
      {formOpen ? (
        <OptimisationForm
          onCancel={list.length > 0 ? () => setCreating(false) : undefined}
          onCreated={(optimisation) => navigate(optimisationHref(optimisation.id))}
        />
      ) : null}
      {list.length > 0 ? (
        <div className="card runs-card">
          <table className="runs-table experiments-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Name</th>
                <th>Rounds</th>
                <th className="num">Dev TGC: start → best</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((o) => (
                <OptimisationRow key={o.id} optimisation={o} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
