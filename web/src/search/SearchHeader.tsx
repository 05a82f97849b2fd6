import type { Search, SearchMethod } from '@trellis/shared';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useEndpoints } from '../api/endpoints.ts';
import { useGraphVersions } from '../api/graphs.ts';
import { useCancelSearch, useConfirmSearch, useSaveBestOfSearch } from '../api/searches.ts';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { ExperimentStatusBadge } from '../experiments/ExperimentStatusBadge.tsx';
import { count, rateWithInterval } from '../experiments/format.ts';
import { Link } from '../experiments/Link.tsx';
import { experimentHref } from '../experiments/links.ts';
import { formatTokens, formatWhen } from '../runs/format.ts';
import { describeAllocation } from './allocation.ts';
import { bestTrial, trialNumber } from './trials.ts';

export const METHOD_LABEL: Record<SearchMethod, string> = {
  random: 'random',
  bayesian: 'Bayesian (random forest)',
  proposer: 'proposer model',
};

/** The parts of the stored request the header shows, read loosely (the route answers it as a plain record). */
interface StoredRequest {
  taskIds?: string[];
  repeats?: number;
  batchSize?: number;
  seed?: number;
  compute?: { budget?: number; weights?: Record<string, unknown> };
  proposer?: { endpointId: string; model?: string };
  endpointId?: string;
  model?: string;
}

/** "saved as version 4 of Three roles", numbered among its graph's versions once they have loaded. */
function SavedVersion({ version }: { version: { id: string; graphId: string; name: string } }) {
  const versions = useGraphVersions(version.graphId);
  const position = versions.data?.findIndex((v) => v.id === version.id) ?? -1;
  const ordinal = versions.data && position >= 0 ? versions.data.length - position : null;
  return (
    <p className="small search-saved" role="status">
      Saved as version {ordinal ?? <code>{version.id.slice(0, 14)}</code>} of <strong>{version.name}</strong>,
      now its latest: <Link href="/canvas">open the canvas</Link> and choose <em>File → {version.name}</em> to
      edit it.
    </p>
  );
}

/**
 * The search's name, status and plan; its actions: cancel, save the best trial as a graph version, confirm the
 * chosen allocation on the test split once the search has ended.
 */
export function SearchHeader({ search }: { search: Search }) {
  const cancel = useCancelSearch(search.id);
  const saveBest = useSaveBestOfSearch(search.id);
  const confirm = useConfirmSearch(search.id);
  const endpoints = useEndpoints().data ?? [];
  const endpointLabel = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;
  const request = search.request as StoredRequest;
  const running = search.status === 'running';
  const best = bestTrial(search.trials);
  const confirmation = search.confirmation;
  const confirmBlocked = running
    ? 'The test split is read only after the search has chosen: wait for it to end.'
    : confirmation
      ? 'Confirmed already: the test split is read once.'
      : !best
        ? 'No trial has a score to confirm.'
        : null;
  return (
    <section className="card experiment-head" aria-label="Search">
      <div className="experiment-head-main">
        <div className="run-title">
          <h1>{search.name}</h1>
          <ExperimentStatusBadge status={search.status} />
          {search.simulated ? <TestDoubleTag kind="simulated" /> : null}
        </div>
        <p className="small muted experiment-facts">
          <span>
            <strong className="ink">{METHOD_LABEL[search.method]}</strong>
            {search.method === 'proposer' && request.proposer
              ? ` · ${request.proposer.model ?? 'default model'} on ${endpointLabel(request.proposer.endpointId)}`
              : ''}
          </span>
          <span>graph {search.graphName}</span>
          <span>
            {count(search.trialsRequested, 'trial')}
            {request.batchSize ? `, ${request.batchSize} per round` : ''}
          </span>
          {request.taskIds ? (
            <span>
              {count(request.taskIds.length, 'dev task')} × {count(request.repeats ?? 1, 'repeat')}
            </span>
          ) : null}
          {request.compute?.budget !== undefined ? (
            <span>budget {formatTokens(request.compute.budget)} declared per trial</span>
          ) : null}
          {request.endpointId ? (
            <span>
              unbound nodes on {endpointLabel(request.endpointId)}
              {request.model ? ` · ${request.model}` : ''}
            </span>
          ) : null}
          {request.seed !== undefined ? <span>seed {request.seed}</span> : null}
          <span>
            created {formatWhen(search.createdAt)}
            <ByAuthor author={search.author} />
          </span>
          {search.finishedAt ? <span>ended {formatWhen(search.finishedAt)}</span> : null}
        </p>
        {search.stopReason ? (
          <p className="experiment-stop small" role="status">
            Stopped: {search.stopReason}
          </p>
        ) : null}
        {best ? (
          <p className="search-best small" data-testid="search-best">
            <span className="muted">Best {running ? 'so far' : ''}</span>{' '}
            <strong>{trialNumber(best.index)}</strong> {describeAllocation(best.allocation)} · dev TGC{' '}
            <strong>{best.score ? rateWithInterval(best.score) : '–'}</strong> · compute{' '}
            {formatTokens(best.compute)} per run
            {best.experimentId ? (
              <>
                {' '}
                · <Link href={experimentHref(best.experimentId)}>its experiment</Link>
              </>
            ) : null}
          </p>
        ) : null}
        {confirmation ? (
          <p className="search-confirmation small" data-testid="search-confirmation">
            <span className="muted">Confirmation on test</span>{' '}
            <strong>
              {confirmation.score ? `TGC ${rateWithInterval(confirmation.score)}` : confirmation.status}
            </strong>{' '}
            · <Link href={experimentHref(confirmation.experimentId)}>the confirmation experiment</Link>
          </p>
        ) : null}
        {saveBest.data ? <SavedVersion version={saveBest.data} /> : null}
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
            disabled={!best || saveBest.isPending}
            title={
              best
                ? 'Save the best trial’s graph as the latest version of the searched graph'
                : 'No trial has a score yet'
            }
            onClick={() => saveBest.mutate()}
          >
            {saveBest.isPending ? 'Saving…' : 'Save best as graph version'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={confirmBlocked !== null || confirm.isPending}
            title={confirmBlocked ?? 'Run the best allocation once on the test split'}
            onClick={() => confirm.mutate()}
          >
            {confirm.isPending ? 'Starting…' : 'Confirm on test'}
          </button>
        </div>
        <p className="small muted search-test-note">
          {running
            ? 'Confirm on test opens once the search has ended: it chooses on dev alone.'
            : confirmation
              ? 'The test split has been read once, for this confirmation.'
              : 'The test split is read once, for the chosen allocation.'}
        </p>
        {cancel.error ? <p className="run-error">{cancel.error.message}</p> : null}
        {saveBest.error ? <p className="run-error">{saveBest.error.message}</p> : null}
        {confirm.error ? <p className="run-error">{confirm.error.message}</p> : null}
      </div>
    </section>
  );
}
