import type { Optimisation } from '@trellis/shared';
import { ByAuthor } from '../accounts/ByAuthor.tsx';
import { useEndpoints } from '../api/endpoints.ts';
import { useGraphVersions } from '../api/graphs.ts';
import {
  roundsExport,
  useCancelOptimisation,
  useConfirmOptimisation,
  useSaveBestOfOptimisation,
} from '../api/optimisations.ts';
import { TestDoubleTag } from '../components/TestDoubleNotice.tsx';
import { ExperimentStatusBadge } from '../experiments/ExperimentStatusBadge.tsx';
import { count, points, rateWithInterval } from '../experiments/format.ts';
import { Link } from '../experiments/Link.tsx';
import { experimentHref } from '../experiments/links.ts';
import { formatWhen } from '../runs/format.ts';

interface StoredRequest {
  taskIds?: string[];
  repeats?: number;
  failureSamples?: number;
  endpointId?: string;
  model?: string;
}

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
 * The optimisation's name, status and plan, its starting and best dev scores, and its actions: cancel, save the
 * best graph, confirm it on test once the optimisation has ended, download the rounds as JSONL.
 */
export function OptimisationHeader({ optimisation }: { optimisation: Optimisation }) {
  const o = optimisation;
  const cancel = useCancelOptimisation(o.id);
  const saveBest = useSaveBestOfOptimisation(o.id);
  const confirm = useConfirmOptimisation(o.id);
  const endpoints = useEndpoints().data ?? [];
  const endpointLabel = (id: string) => endpoints.find((e) => e.id === id)?.name ?? id;
  const request = o.request as StoredRequest;
  const running = o.status === 'running';
  const baseline = o.baseline?.score?.rate ?? null;
  const confirmBlocked = running
    ? 'The test split is read only after the optimisation has chosen: wait for it to end.'
    : o.confirmation
      ? 'Confirmed already: the test split is read once.'
      : !o.best
        ? 'No round has a score to confirm.'
        : null;
  return (
    <section className="card experiment-head" aria-label="Optimisation">
      <div className="experiment-head-main">
        <div className="run-title">
          <h1>{o.name}</h1>
          <ExperimentStatusBadge status={o.status} />
          {o.simulated ? <TestDoubleTag kind="simulated" /> : null}
        </div>
        <p className="small muted experiment-facts">
          <span>
            meta-agent on {endpointLabel(o.metaAgent.endpointId)} ·{' '}
            <strong className="ink">{o.metaAgent.model ?? 'its default model'}</strong>
          </span>
          <span>graph {o.graphName}</span>
          <span>{count(o.roundsRequested, 'round')}</span>
          {request.taskIds ? (
            <span>
              {count(request.taskIds.length, 'dev task')} × {count(request.repeats ?? 1, 'repeat')}
            </span>
          ) : null}
          {request.failureSamples !== undefined ? (
            <span>{count(request.failureSamples, 'failure')} shown per round</span>
          ) : null}
          {request.endpointId ? (
            <span>
              unbound nodes on {endpointLabel(request.endpointId)}
              {request.model ? ` · ${request.model}` : ''}
            </span>
          ) : null}
          <span>
            created {formatWhen(o.createdAt)}
            <ByAuthor author={o.author} />
          </span>
          {o.finishedAt ? <span>ended {formatWhen(o.finishedAt)}</span> : null}
        </p>
        {o.stopReason ? (
          <p className="experiment-stop small" role="status">
            Stopped: {o.stopReason}
          </p>
        ) : null}
        <p className="search-best small" data-testid="optimisation-scores">
          <span className="muted">Starting graph</span>{' '}
          <strong>
            {o.baseline?.score ? rateWithInterval(o.baseline.score) : running ? 'being scored' : '–'}
          </strong>
          {o.best ? (
            <>
              {' '}
              · <span className="muted">best {running ? 'so far' : ''}</span> round {o.best.round}{' '}
              <strong>{rateWithInterval(o.best.score)}</strong>
              {baseline !== null && o.best.score.rate !== null ? (
                <span className="muted"> ({points(o.best.score.rate - baseline)} points)</span>
              ) : null}
            </>
          ) : null}{' '}
          <span className="muted">dev TGC</span>
        </p>
        {o.confirmation ? (
          <p className="search-confirmation small" data-testid="optimisation-confirmation">
            <span className="muted">Confirmation on test</span>{' '}
            <strong>
              {o.confirmation.score ? `TGC ${rateWithInterval(o.confirmation.score)}` : o.confirmation.status}
            </strong>{' '}
            · <Link href={experimentHref(o.confirmation.experimentId)}>the confirmation experiment</Link>
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
            disabled={!o.best || saveBest.isPending}
            title={
              o.best
                ? 'Make the best round’s graph the latest version of the optimised graph'
                : 'No round has a score yet'
            }
            onClick={() => saveBest.mutate()}
          >
            {saveBest.isPending ? 'Saving…' : 'Save best as graph version'}
          </button>
          <button
            type="button"
            className="primary"
            disabled={confirmBlocked !== null || confirm.isPending}
            title={confirmBlocked ?? 'Run the best graph once on the test split'}
            onClick={() => confirm.mutate()}
          >
            {confirm.isPending ? 'Starting…' : 'Confirm on test'}
          </button>
        </div>
        <p className="small muted search-test-note">
          {running
            ? 'Confirm on test opens once the optimisation has ended: it chooses on dev alone.'
            : o.confirmation
              ? 'The test split has been read once, for this confirmation.'
              : 'The test split is read once, for the best graph.'}
        </p>
        <div className="experiment-exports small">
          <span className="muted">Download</span>
          <a
            className="button-link small"
            href={roundsExport(o.id)}
            download
            title="One JSON line per round (state, proposal, repairs, reward): training data for a meta-agent"
          >
            Rounds (JSONL)
          </a>
        </div>
        {cancel.error ? <p className="run-error">{cancel.error.message}</p> : null}
        {saveBest.error ? <p className="run-error">{saveBest.error.message}</p> : null}
        {confirm.error ? <p className="run-error">{confirm.error.message}</p> : null}
      </div>
    </section>
  );
}
