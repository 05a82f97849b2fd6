import { useQueries } from '@tanstack/react-query';
import { formatDuration, type Rescue, type RescuePair, type RunDetail } from '@trellis/shared';
import type { ReactNode } from 'react';
import { api } from '../api/client.ts';
import { useEndpoints } from '../api/endpoints.ts';
import { useCancelRescue, useRescue } from '../api/replay.ts';
import { runKeys } from '../api/runs.ts';
import { simulatedModelsOf, TestDoubleNotice } from '../components/TestDoubleNotice.tsx';
import { useSinceReport } from '../components/useSinceReport.ts';
import { navigate } from '../router.ts';
import { formatWhen } from '../runs/format.ts';
import { StatusBadge } from '../runs/StatusBadge.tsx';
import { describeChange } from './change/describeChange.ts';
import { compareHref } from './links.ts';
import { useRescueProgress } from './useRescueProgress.ts';
import '../runs.css';
import './replay.css';

function Link({ href, children }: { href: string; children: ReactNode }) {
  return (
    <a
      href={href}
      onClick={(event) => {
        event.preventDefault();
        navigate(href);
      }}
    >
      {children}
    </a>
  );
}

const runHref = (id: string) => `/runs/${encodeURIComponent(id)}`;

const PAIR_LABEL: Record<RescuePair['status'], string> = {
  pending: 'waiting',
  running: 'running',
  rescued: 'rescued',
  failing: 'still failing',
  error: 'could not start',
  cancelled: 'cancelled',
};

/** The models the rescue's runs called, from the first source run and the first rescuing run. */
function useRescueModels(rescue: Rescue | undefined): string[] {
  const ids = [rescue?.pairs[0]?.sourceRunId, rescue?.pairs.find((p) => p.forkRunId)?.forkRunId].filter(
    (id): id is string => typeof id === 'string',
  );
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: runKeys.detail(id),
      queryFn: () => api<RunDetail>('GET', `/api/runs/${encodeURIComponent(id)}`),
      staleTime: 30_000,
    })),
    combine: (results) => results.flatMap((r) => r.data?.models ?? []),
  });
}

function Progress({ rescue }: { rescue: Rescue }) {
  const { progress } = rescue;
  const running = progress.status === 'running';
  const since = useSinceReport(progress, running);
  const eta = progress.etaMs === null ? null : Math.max(0, progress.etaMs - since);
  const elapsed = progress.elapsedMs + (running ? since : 0);
  const failing = rescue.pairs.filter((p) => p.status === 'failing' || p.status === 'error').length;
  const percent = progress.total > 0 ? (progress.done / progress.total) * 100 : 0;
  return (
    <section className="card rescue-progress" aria-label="Progress">
      <div className="rescue-score">
        <strong className="rescue-count" data-testid="rescued-count">
          {progress.rescued} of {progress.total} rescued
        </strong>
        <span className={failing > 0 ? 'result-fail' : 'muted'}>{failing} still failing</span>
      </div>
      <div
        className="rescue-bar"
        role="progressbar"
        aria-label="Pairs done"
        aria-valuemin={0}
        aria-valuemax={progress.total}
        aria-valuenow={progress.done}
      >
        <span
          className="rescue-bar-rescued"
          style={{ width: `${(progress.rescued / Math.max(1, progress.total)) * 100}%` }}
        />
        <span
          className="rescue-bar-done"
          style={{ width: `${percent - (progress.rescued / Math.max(1, progress.total)) * 100}%` }}
        />
      </div>
      <p className="rescue-facts small" data-testid="rescue-progress">
        <span>
          {progress.done} of {progress.total} done
        </span>
        {running ? <span>{progress.running} running</span> : null}
        {progress.ratePerMinute !== null ? <span>{progress.ratePerMinute.toFixed(1)} per minute</span> : null}
        {running && eta !== null ? <span>about {formatDuration(eta)} left</span> : null}
        {running && elapsed >= 1000 ? <span>{formatDuration(elapsed)} so far</span> : null}
        {!running ? <span>{progress.status}</span> : null}
      </p>
    </section>
  );
}

function PairRow({ pair }: { pair: RescuePair }) {
  return (
    <tr className={`pair-row pair-${pair.status}`}>
      <td>
        <Link href={runHref(pair.sourceRunId)}>
          <code>{pair.sourceRunId}</code>
        </Link>
      </td>
      <td>
        <code>{pair.taskId}</code>
      </td>
      <td className="num">{pair.forkStep ?? '–'}</td>
      <td>
        {pair.forkRunId ? (
          <Link href={runHref(pair.forkRunId)}>
            <code>{pair.forkRunId}</code>
          </Link>
        ) : (
          <span className="muted">–</span>
        )}
      </td>
      <td>
        <span className={`pair-status pair-status-${pair.status}`}>{PAIR_LABEL[pair.status]}</span>
        {pair.runStatus && pair.status !== 'rescued' ? <StatusBadge status={pair.runStatus} /> : null}
        {pair.error ? <span className="run-error small"> {pair.error}</span> : null}
        {pair.attempts > 1 ? <span className="muted small"> ({pair.attempts} attempts)</span> : null}
      </td>
      <td>
        {pair.forkRunId ? <Link href={compareHref(pair.sourceRunId, pair.forkRunId)}>Compare</Link> : null}
      </td>
    </tr>
  );
}

function Pairs({ pairs, label }: { pairs: RescuePair[]; label: string }) {
  return (
    <table className="runs-table pairs-table" aria-label={label}>
      <thead>
        <tr>
          <th>Failed run</th>
          <th>Task</th>
          <th className="num">From step</th>
          <th>Rescue run</th>
          <th>Result</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {pairs.map((pair) => (
          <PairRow key={pair.sourceRunId} pair={pair} />
        ))}
      </tbody>
    </table>
  );
}

/**
 * One rescue: live progress (done, running, rate, time left), "N of M rescued", the runs still failing, every pair
 * with links to both runs and to their comparison, and Cancel while it runs.
 */
export function RescuePage({ rescueId }: { rescueId: string }) {
  const rescue = useRescue(rescueId);
  const data = rescue.data;
  const running = data?.status === 'running';
  const following = useRescueProgress(rescueId, running);
  const cancel = useCancelRescue(rescueId);
  const endpoints = useEndpoints().data ?? [];
  const simulated = simulatedModelsOf(useRescueModels(data));
  if (rescue.error) {
    return (
      <section className="page">
        <div className="banner banner-error" role="alert">
          <strong>Could not open rescue {rescueId}</strong>
          <span>{rescue.error.message}</span>
        </div>
      </section>
    );
  }
  if (!data) return <p className="muted page-loading">Loading…</p>;
  const change = describeChange(data.change, (id) => endpoints.find((e) => e.id === id)?.name ?? id);
  const failing = data.pairs.filter((p) => p.status === 'failing' || p.status === 'error');
  return (
    <section className="page rescue-page">
      <nav className="run-crumbs small" aria-label="Breadcrumb">
        <Link href="/rescues">Rescues</Link>
        <span aria-hidden="true">/</span>
        <code>{data.id}</code>
        <span className={`stream-state${following ? ' is-live' : ''}`} data-testid="rescue-state">
          {following ? 'following live' : data.status}
        </span>
      </nav>
      <section className="card rescue-head" aria-label="Rescue">
        <div className="rescue-head-main">
          <h1>{data.name}</h1>
          <p className="small muted">
            Created {formatWhen(data.createdAt)} · {data.concurrency} at a time · each run re-run{' '}
            {data.from === 'start' ? 'from its first step' : 'from the step before its first failure'}
          </p>
          <div className="rescue-change">
            <span className="field-label">Change</span>
            {change.length === 0 ? (
              <span className="muted small">none: the same graph re-run</span>
            ) : (
              <ul className="review-sublist">
                {change.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <div className="rescue-head-side">
          {running ? (
            <button
              type="button"
              className="ghost danger"
              disabled={cancel.isPending}
              onClick={() => cancel.mutate()}
            >
              {cancel.isPending ? 'Cancelling…' : 'Cancel rescue'}
            </button>
          ) : null}
          {cancel.error ? <p className="run-error">{cancel.error.message}</p> : null}
        </div>
      </section>
      {simulated.length > 0 ? <TestDoubleNotice kind="simulated" /> : null}
      <Progress rescue={data} />
      {failing.length > 0 ? (
        <section className="card" aria-label="Still failing">
          <h3>Still failing ({failing.length})</h3>
          <Pairs pairs={failing} label="Still failing" />
        </section>
      ) : null}
      <section className="card" aria-label="Every pair">
        <h3>Every pair ({data.pairs.length})</h3>
        <Pairs pairs={data.pairs} label="Pairs" />
      </section>
    </section>
  );
}
