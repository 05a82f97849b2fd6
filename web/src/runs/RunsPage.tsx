import { RunStatus } from '@trellis/shared';
import { useEffect, useState } from 'react';
import { isLive, useRuns } from '../api/runs.ts';
import { RunsActions } from '../replay/RunsActions.tsx';
import { RunsTable } from './RunsTable.tsx';
import {
  filtersFromSearch,
  filtersToSearch,
  listQuery,
  PAGE_SIZE,
  type RunFilters,
  rescueQuery,
} from './runFilters.ts';
import '../runs.css';

/** Text filters settle for this long before the list is asked for again. */
const TYPING_MS = 300;

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

function Filters({ filters, onChange }: { filters: RunFilters; onChange: (next: RunFilters) => void }) {
  const set = (patch: Partial<RunFilters>) => onChange({ ...filters, ...patch, page: 0 });
  return (
    <form className="card runs-filters" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span className="field-label">Graph</span>
        <input
          value={filters.graph}
          placeholder="name or id"
          onChange={(e) => set({ graph: e.target.value })}
        />
      </label>
      <label className="field">
        <span className="field-label">Task</span>
        <input value={filters.task} placeholder="task id" onChange={(e) => set({ task: e.target.value })} />
      </label>
      <label className="field">
        <span className="field-label">Status</span>
        <select
          value={filters.status}
          onChange={(e) => set({ status: e.target.value as RunFilters['status'] })}
        >
          <option value="">any</option>
          {RunStatus.options.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Difficulty</span>
        <select
          value={filters.difficulty}
          onChange={(e) => set({ difficulty: e.target.value as RunFilters['difficulty'] })}
        >
          <option value="">any</option>
          <option value="1">1</option>
          <option value="2">2</option>
          <option value="3">3</option>
        </select>
      </label>
    </form>
  );
}

/** Every run, newest first, filtered and paged; refreshes itself while any run on the page is live. */
export function RunsPage() {
  const [filters, setFilters] = useState<RunFilters>(() => filtersFromSearch(window.location.search));
  const graph = useDebounced(filters.graph, TYPING_MS);
  const task = useDebounced(filters.task, TYPING_MS);
  const settled = { ...filters, graph, task };
  const runs = useRuns(listQuery(settled));
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set());
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  // The filters live in the address, so a reload or a shared link shows the same list.
  useEffect(() => {
    window.history.replaceState(null, '', `/runs${filtersToSearch(filters)}`);
  }, [filters]);

  const total = runs.data?.total ?? 0;
  const first = settled.page * PAGE_SIZE;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const live = runs.data?.runs.filter((run) => isLive(run.status)).length ?? 0;
  return (
    <section className="page runs-page">
      <div className="page-head">
        <div>
          <h1>Runs</h1>
          <p className="muted">
            Every run of a scaffold on a task, live or finished. Open one to follow its trace.
          </p>
        </div>
        {live > 0 ? (
          <span className="run-badge run-badge-running">
            <span className="live-dot" aria-hidden="true" />
            {live} live
          </span>
        ) : null}
      </div>
      <Filters filters={filters} onChange={setFilters} />
      {runs.error ? (
        <div className="banner banner-error" role="alert">
          <strong>Could not load runs</strong>
          <span>{runs.error.message}</span>
        </div>
      ) : null}
      {runs.data && runs.data.runs.length === 0 ? (
        <div className="empty">
          <p>
            {total === 0 && settled.page === 0 ? 'No runs match these filters.' : 'Nothing on this page.'}
          </p>
          <p className="muted">Start a run from the Canvas, or clear a filter.</p>
        </div>
      ) : null}
      {runs.data && runs.data.runs.length > 0 ? (
        <div className="card runs-card">
          <RunsActions
            runs={runs.data.runs}
            selected={selected}
            query={rescueQuery(settled)}
            onClear={() => setSelected(new Set())}
          />
          <RunsTable runs={runs.data.runs} selected={selected} onToggle={toggle} />
          <nav className="runs-pager" aria-label="Pages">
            <span className="muted small" data-testid="runs-range">
              {first + 1}–{Math.min(first + PAGE_SIZE, total)} of {total}
            </span>
            <button
              type="button"
              className="small"
              disabled={filters.page === 0}
              onClick={() => setFilters({ ...filters, page: filters.page - 1 })}
            >
              ‹ Newer
            </button>
            <span className="small">
              Page {settled.page + 1} of {pages}
            </span>
            <button
              type="button"
              className="small"
              disabled={filters.page + 1 >= pages}
              onClick={() => setFilters({ ...filters, page: filters.page + 1 })}
            >
              Older ›
            </button>
          </nav>
        </div>
      ) : null}
    </section>
  );
}
