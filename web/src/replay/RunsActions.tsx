import type { RescueQuery, RunSummary } from '@trellis/shared';
import { lazy, Suspense, useState } from 'react';
import { isLive } from '../api/runs.ts';
import { navigate } from '../router.ts';
import { compareHref } from './links.ts';
import type { RescueSelection } from './RescueDialog.tsx';

const RescueDialog = lazy(() => import('./RescueDialog.tsx'));

function describeQuery(query: RescueQuery): string {
  const parts = Object.entries(query)
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key} “${value}”`);
  return parts.length > 0 ? parts.join(' · ') : 'no filter';
}

/**
 * What can be done with runs on the Runs page: compare two selected runs of the same task, rescue the selected
 * failed runs, or rescue every failed run the filters match.
 */
export function RunsActions({
  runs,
  selected,
  query,
  onClear,
}: {
  /** The runs on this page. */
  runs: RunSummary[];
  selected: ReadonlySet<string>;
  /** The filters, as the API takes them (every page, not this one). */
  query: RescueQuery;
  onClear: () => void;
}) {
  const [rescue, setRescue] = useState<{ selection: RescueSelection; baseVersionId: string } | null>(null);
  const chosen = runs.filter((run) => selected.has(run.id));
  const pair = chosen.length === 2 && chosen[0]!.taskId === chosen[1]!.taskId ? chosen : null;
  const failed = chosen.filter((run) => !isLive(run.status) && run.status !== 'succeeded');
  const firstFailedOnPage = runs.find((run) => !isLive(run.status) && run.status !== 'succeeded');
  const compareTitle =
    chosen.length !== 2
      ? 'Select two runs of the same task'
      : pair
        ? undefined
        : 'The two runs are on different tasks';
  return (
    <div className="runs-actions" role="toolbar" aria-label="Selected runs">
      <span className="muted small runs-actions-hint">
        {chosen.length === 0 ? 'Select runs to compare or rescue them.' : `${chosen.length} selected`}
        {chosen.length > 0 ? (
          <>
            {' '}
            <button type="button" className="link small" onClick={onClear}>
              Clear
            </button>
          </>
        ) : null}
      </span>
      <button
        type="button"
        className="small"
        disabled={!pair}
        title={compareTitle}
        onClick={() => pair && navigate(compareHref(pair[0]!.id, pair[1]!.id))}
      >
        Compare
      </button>
      <button
        type="button"
        className="small"
        disabled={failed.length === 0 || failed.length !== chosen.length}
        title={
          failed.length !== chosen.length
            ? 'Only runs that finished without success can be rescued'
            : undefined
        }
        onClick={() =>
          setRescue({
            selection: { runIds: failed.map((run) => run.id) },
            baseVersionId: failed[0]!.graphVersionId,
          })
        }
      >
        Rescue selected…
      </button>
      <button
        type="button"
        className="small"
        disabled={!firstFailedOnPage}
        title={firstFailedOnPage ? undefined : 'No failed run on this page'}
        onClick={() =>
          firstFailedOnPage &&
          setRescue({
            selection: { query, description: describeQuery(query) },
            baseVersionId: firstFailedOnPage.graphVersionId,
          })
        }
      >
        Rescue every failed run matching the filters…
      </button>
      {rescue ? (
        <Suspense fallback={null}>
          <RescueDialog
            selection={rescue.selection}
            baseVersionId={rescue.baseVersionId}
            onClose={() => setRescue(null)}
          />
        </Suspense>
      ) : null}
    </div>
  );
}
