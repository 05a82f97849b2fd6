import { lazy, Suspense } from 'react';
import { useSearch } from '../api/searches.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { TestDoubleNotice } from '../components/TestDoubleNotice.tsx';
import { Link } from '../experiments/Link.tsx';
import { SearchHeader } from './SearchHeader.tsx';
import { SearchProgressCard } from './SearchProgressCard.tsx';
import { TrialsTable } from './TrialsTable.tsx';
import { bestTrial } from './trials.ts';
import { useSearchProgress } from './useSearchProgress.ts';
import '../runs.css';
import '../replay/replay.css';
import '../experiments/experiments.css';
import './search.css';

// ECharts is the largest thing on the page: its chunk loads while the table renders.
const SearchCharts = lazy(() => import('./SearchCharts.tsx').then((m) => ({ default: m.SearchCharts })));

function Lessons({ lessons }: { lessons: { round: number; text: string }[] }) {
  return (
    <section className="card report-section" aria-label="Lessons">
      <div className="section-head">
        <h2>The proposer’s lessons</h2>
        <span className="muted small">What it wrote after each round, and read before the next.</span>
      </div>
      {lessons.length === 0 ? (
        <p className="muted small">No lesson yet: the proposer writes one after each round.</p>
      ) : (
        <ol className="lessons">
          {lessons.map((lesson) => (
            <li key={lesson.round}>
              <span className="lesson-round small muted">Round {lesson.round}</span>
              <p>{lesson.text}</p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/**
 * One search: its plan, live progress, cancel, save the best, confirm on test; accuracy against compute and the
 * best so far; every trial with a link to its experiment; the proposer's lessons.
 */
export function SearchPage({ searchId }: { searchId: string }) {
  const search = useSearch(searchId);
  const data = search.data;
  const running = data?.status === 'running';
  const following = useSearchProgress(searchId, running);
  if (search.error) {
    return (
      <section className="page">
        <ErrorBanner title={`Could not open search ${searchId}`} message={search.error.message} />
      </section>
    );
  }
  if (!data) return <p className="muted page-loading">Loading…</p>;
  const best = bestTrial(data.trials);
  return (
    <section className="page experiment-page search-page">
      <nav className="run-crumbs small" aria-label="Breadcrumb">
        <Link href="/searches">Searches</Link>
        <span aria-hidden="true">/</span>
        <code>{data.id}</code>
        <span className={`stream-state${following ? ' is-live' : ''}`} data-testid="search-stream">
          {following ? 'following live' : data.status}
        </span>
      </nav>
      <SearchHeader search={data} />
      {data.simulated ? <TestDoubleNotice kind="simulated" /> : null}
      <SearchProgressCard search={data} />
      {/* A search that ended with no scored trial has nothing to chart. */}
      {running || data.trials.some((t) => t.score !== null) ? (
        <Suspense
          fallback={
            <div className="card chart-placeholder muted small" style={{ height: 340 }}>
              Loading charts…
            </div>
          }
        >
          <SearchCharts search={data} />
        </Suspense>
      ) : null}
      <TrialsTable trials={data.trials} bestIndex={best?.index ?? null} simulated={data.simulated} />
      {data.method === 'proposer' ? <Lessons lessons={data.lessons} /> : null}
    </section>
  );
}
