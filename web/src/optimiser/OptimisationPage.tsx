import { lazy, Suspense, useState } from 'react';
import { useOptimisation } from '../api/optimisations.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { TestDoubleNotice } from '../components/TestDoubleNotice.tsx';
import { Link } from '../experiments/Link.tsx';
import { SimulatedLabel } from '../experiments/SimulatedLabel.tsx';
import { CandidatePanel } from './CandidatePanel.tsx';
import { bestCandidate } from './lineage.ts';
import { OptimisationHeader } from './OptimisationHeader.tsx';
import { OptimisationProgressCard } from './OptimisationProgressCard.tsx';
import { RoundsTable } from './RoundsTable.tsx';
import { STATUS_COLOR, STATUS_LABEL } from './treeOption.ts';
import { useOptimisationProgress } from './useOptimisationProgress.ts';
import '../runs.css';
import '../replay/replay.css';
import '../experiments/experiments.css';
import '../search/search.css';
import './optimiser.css';

// ECharts and its tree series load in their own chunk while the rest of the page renders.
const LineageTree = lazy(() => import('./LineageTree.tsx').then((m) => ({ default: m.LineageTree })));

const LEGEND = ['evaluated', 'running', 'invalid', 'skipped', 'errored'] as const;

/**
 * One optimisation: its plan and actions, live progress, the lineage of rounds as a tree (a click selects a round)
 * beside the selected round's analysis, edit, repairs, score and links, and every round as a table.
 */
export function OptimisationPage({ optimisationId }: { optimisationId: string }) {
  const optimisation = useOptimisation(optimisationId);
  const data = optimisation.data;
  const running = data?.status === 'running';
  const following = useOptimisationProgress(optimisationId, running);
  const [chosen, setChosen] = useState<number | null>(null);
  if (optimisation.error) {
    return (
      <section className="page">
        <ErrorBanner
          title={`Could not open optimisation ${optimisationId}`}
          message={optimisation.error.message}
        />
      </section>
    );
  }
  if (!data) return <p className="muted page-loading">Loading…</p>;
  const best = bestCandidate(data.candidates);
  const latest = data.candidates.reduce<number | null>(
    (r, c) => (r === null || c.round > r ? c.round : r),
    null,
  );
  // Until a round is clicked, the best one is shown (the latest while none is scored).
  const selectedRound = chosen ?? best?.round ?? latest;
  const selected = data.candidates.find((c) => c.round === selectedRound) ?? null;
  return (
    <section className="page experiment-page optimisation-page">
      <nav className="run-crumbs small" aria-label="Breadcrumb">
        <Link href="/optimisations">Optimiser</Link>
        <span aria-hidden="true">/</span>
        <code>{data.id}</code>
        <span className={`stream-state${following ? ' is-live' : ''}`} data-testid="optimisation-stream">
          {following ? 'following live' : data.status}
        </span>
      </nav>
      <OptimisationHeader optimisation={data} />
      {data.simulated ? <TestDoubleNotice kind="simulated" /> : null}
      <OptimisationProgressCard optimisation={data} />
      <div className="lineage-layout">
        <section className="card report-section lineage-card" aria-label="Lineage">
          <div className="section-head">
            <h2>Lineage</h2>
            <SimulatedLabel simulated={data.simulated} />
            <ul className="lineage-legend small">
              {LEGEND.map((status) => (
                <li key={status}>
                  <span
                    className="legend-dot"
                    style={{ background: STATUS_COLOR[status] }}
                    aria-hidden="true"
                  />
                  {STATUS_LABEL[status]}
                </li>
              ))}
              <li>
                <span className="legend-dot legend-best" aria-hidden="true" />
                best
              </li>
            </ul>
          </div>
          <p className="small muted chart-note">
            Each round edits the best graph so far and hangs under it; an invalid round (no proposal passed
            the checks within three repairs) is a leaf. Click a node to see its round.
          </p>
          {data.candidates.length === 0 ? (
            <p className="muted small chart-empty">The starting graph is being scored.</p>
          ) : (
            <Suspense
              fallback={
                <div className="chart-placeholder muted small" style={{ height: 260 }}>
                  Loading the tree…
                </div>
              }
            >
              <LineageTree
                candidates={data.candidates}
                best={best?.round ?? null}
                selected={selectedRound}
                onSelect={setChosen}
              />
            </Suspense>
          )}
        </section>
        {selected ? (
          <CandidatePanel
            candidate={selected}
            best={selected.round === best?.round}
            graphName={data.graphName}
          />
        ) : (
          <section className="card candidate-panel muted small">No round yet.</section>
        )}
      </div>
      <section className="card report-section" aria-label="Rounds">
        <div className="section-head">
          <h2>Rounds</h2>
          <SimulatedLabel simulated={data.simulated} />
          <span className="muted small">
            Dev TGC in percent with its Wilson interval; tokens are a mean per run; reward 1 beats the best so
            far, 0.5 only the previous round.
          </span>
        </div>
        <RoundsTable
          candidates={data.candidates}
          best={best?.round ?? null}
          selected={selectedRound}
          onSelect={setChosen}
        />
      </section>
    </section>
  );
}
