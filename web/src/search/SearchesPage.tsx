import type { SearchSummary } from '@trellis/shared';
import { lazy, Suspense, useState } from 'react';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useSearches, useSearchesById } from '../api/searches.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { ListProgress } from '../components/ListProgress.tsx';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { ExperimentStatusBadge } from '../experiments/ExperimentStatusBadge.tsx';
import { percent } from '../experiments/format.ts';
import { Link } from '../experiments/Link.tsx';
import { SimulatedLabel } from '../experiments/SimulatedLabel.tsx';
import { navigate } from '../router.ts';
import { formatTokens, formatWhen } from '../runs/format.ts';
import { compareHref, compareIds, searchHref } from './links.ts';
import { SearchForm } from './SearchForm.tsx';
import { METHOD_LABEL } from './SearchHeader.tsx';
import '../runs.css';
import '../replay/replay.css';
import '../experiments/experiments.css';
import './search.css';

const CompareChart = lazy(() => import('./SearchCharts.tsx').then((m) => ({ default: m.CompareChart })));

function SearchRow({
  search,
  compared,
  onCompare,
}: {
  search: SearchSummary;
  compared: boolean;
  onCompare: () => void;
}) {
  const href = searchHref(search.id);
  return (
    <tr className="run-row" onClick={() => navigate(href)}>
      <td className="compare-cell">
        <input
          type="checkbox"
          checked={compared}
          onChange={onCompare}
          // Ticking compares; it does not open the search as a click elsewhere on the row does.
          onClick={(event) => event.stopPropagation()}
          aria-label={`Compare ${search.name}`}
          title="Overlay its best-so-far curve with the other ticked searches"
        />
      </td>
      <td>
        <ExperimentStatusBadge status={search.status} />
      </td>
      <td>
        <span className="experiment-name-cell">
          <Link href={href}>{search.name}</Link>
          {search.simulated ? <TestDoubleTag kind="simulated" short /> : null}
        </span>
        <span className="list-subline muted small">
          {METHOD_LABEL[search.method]} on {search.graphName}
        </span>
      </td>
      <td>
        <ListProgress
          name={search.name}
          unit="trials"
          done={search.trialsDone}
          total={search.trialsRequested}
          running={search.status === 'running'}
          createdAt={search.createdAt}
          notes={search.refused > 0 ? [`${search.refused} refused`] : []}
        />
      </td>
      <td className="num">
        {search.best ? (
          <>
            <strong>{percent(search.best.score)}</strong>{' '}
            <span className="muted small">at {formatTokens(search.best.compute)}</span>
          </>
        ) : (
          '–'
        )}
      </td>
      <td className="muted small">
        {formatWhen(search.createdAt)}
        <ByAuthor author={search.author} />
      </td>
    </tr>
  );
}

/** The ticked searches' best-so-far curves on one chart. */
function CompareView({ ids, list, onClear }: { ids: string[]; list: SearchSummary[]; onClear: () => void }) {
  const results = useSearchesById(ids);
  const searches = results.flatMap((r) => (r.data ? [r.data] : []));
  const graphs = new Set(list.filter((s) => ids.includes(s.id)).map((s) => s.graphName));
  const error = results.find((r) => r.error)?.error;
  return (
    <section className="card report-section compare-view" aria-label="Compare searches">
      <div className="section-head">
        <h2>Best dev TGC so far, compared</h2>
        <SimulatedLabel simulated={searches.some((s) => s.simulated)} />
        <span className="muted small">
          {graphs.size > 1
            ? `Different graphs (${[...graphs].join(', ')}): the curves compare methods only on the same graph and tasks.`
            : 'Same graph: the curves compare how fast each method finds a good allocation.'}
        </span>
        <button type="button" className="ghost small push-end" onClick={onClear}>
          Clear
        </button>
      </div>
      {error ? <ErrorBanner title="Could not load a compared search" message={error.message} /> : null}
      {searches.length === ids.length ? (
        <Suspense
          fallback={
            <div className="chart-placeholder muted small" style={{ height: 300 }}>
              Loading chart…
            </div>
          }
        >
          <CompareChart searches={searches} />
        </Suspense>
      ) : (
        <p className="muted small">Loading the searches…</p>
      )}
    </section>
  );
}

/** Every search, newest first, the form that starts one, and a view comparing the ticked searches. */
export function SearchesPage() {
  const searches = useSearches();
  const list = searches.data?.searches ?? [];
  const [creating, setCreating] = useState(false);
  const [compare, setCompareState] = useState<string[]>(() => compareIds(window.location.search));
  const setCompare = (ids: string[]) => {
    setCompareState(ids);
    // The URL keeps the comparison, so it can be shared or reloaded; replace, not push: ticking is not a page.
    window.history.replaceState(null, '', compareHref(ids));
  };
  const formOpen = creating || (searches.data !== undefined && list.length === 0);
  return (
    <section className="page experiments-page searches-page">
      <div className="page-head">
        <div>
          <h1>Searches</h1>
          <p className="muted">
            Which model, output budget and role settings each node deserves, searched jointly under a declared
            compute budget on the dev split: accuracy against compute for every trial, then one confirmation
            on test.
          </p>
        </div>
        {formOpen ? null : (
          <button type="button" className="primary page-head-action" onClick={() => setCreating(true)}>
            New search
          </button>
        )}
      </div>
      {searches.error ? (
        <ErrorBanner title="Could not load searches" message={searches.error.message} />
      ) : null}
      {formOpen ? (
        <SearchForm
          onCancel={list.length > 0 ? () => setCreating(false) : undefined}
          onCreated={(search) => navigate(searchHref(search.id))}
        />
      ) : null}
      {compare.length >= 2 ? <CompareView ids={compare} list={list} onClear={() => setCompare([])} /> : null}
      {list.length > 0 ? (
        <div className="card runs-card">
          <table className="runs-table experiments-table searches-table">
            <thead>
              <tr>
                <th title="Tick two or more to compare their best-so-far curves">Compare</th>
                <th>Status</th>
                <th>Name</th>
                <th>Trials</th>
                <th className="num">Best dev TGC</th>
                <th>Created</th>
              </tr>
            </thead>
            <tbody>
              {list.map((search) => (
                <SearchRow
                  key={search.id}
                  search={search}
                  compared={compare.includes(search.id)}
                  onCompare={() =>
                    setCompare(
                      compare.includes(search.id)
                        ? compare.filter((id) => id !== search.id)
                        : [...compare, search.id],
                    )
                  }
                />
              ))}
            </tbody>
          </table>
          {compare.length === 1 ? (
            <p className="small muted compare-hint">
              Tick another search to compare their best-so-far curves.
            </p>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
