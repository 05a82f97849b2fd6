import { lazy, Suspense } from 'react';
import { useExperiment, useExperimentItems, useExperimentReport } from '../api/experiments.ts';
import { ErrorBanner } from '../components/Field.tsx';
import { TestDoubleNotice } from '../components/TestDoubleNotice.tsx';
import { ComparisonsTable } from './ComparisonsTable.tsx';
import { CostTable } from './CostTable.tsx';
import { ExperimentHeader } from './ExperimentHeader.tsx';
import { ExperimentProgressCard } from './ExperimentProgressCard.tsx';
import { FailureCauses } from './FailureCauses.tsx';
import { Link } from './Link.tsx';
import { ReportTable } from './ReportTable.tsx';
import { TaskMatrix } from './TaskMatrix.tsx';
import { useExperimentProgress } from './useExperimentProgress.ts';
import '../runs.css';
import '../replay/replay.css';
import './experiments.css';

// ECharts is the largest thing on the page: its chunk loads while the tables render.
const loadCharts = () => import('./ReportCharts.tsx');
const AccuracyCharts = lazy(() => loadCharts().then((m) => ({ default: m.AccuracyCharts })));
const ServerCharts = lazy(() => loadCharts().then((m) => ({ default: m.ServerCharts })));

function ChartsPlaceholder({ height }: { height: number }) {
  return (
    <div className="card chart-placeholder muted small" style={{ height }}>
      Loading charts…
    </div>
  );
}

/**
 * One experiment: its plan, live progress, cancel and re-run, downloads, and the report (goal completion with
 * intervals, comparisons with the baseline, charts, cost, failure causes, the task × arm matrix, server load).
 */
export function ExperimentPage({ experimentId }: { experimentId: string }) {
  const experiment = useExperiment(experimentId);
  const data = experiment.data;
  const running = data?.status === 'running';
  const following = useExperimentProgress(experimentId, running);
  const report = useExperimentReport(experimentId, running);
  const items = useExperimentItems(experimentId);
  if (experiment.error) {
    return (
      <section className="page">
        <ErrorBanner title={`Could not open experiment ${experimentId}`} message={experiment.error.message} />
      </section>
    );
  }
  if (!data) return <p className="muted page-loading">Loading…</p>;
  const r = report.data;
  return (
    <section className="page experiment-page">
      <nav className="run-crumbs small" aria-label="Breadcrumb">
        <Link href="/experiments">Experiments</Link>
        <span aria-hidden="true">/</span>
        <code>{data.id}</code>
        <span className={`stream-state${following ? ' is-live' : ''}`} data-testid="experiment-stream">
          {following ? 'following live' : data.status}
        </span>
      </nav>
      <ExperimentHeader experiment={data} />
      {data.simulated ? <TestDoubleNotice kind="simulated" /> : null}
      <ExperimentProgressCard progress={data.progress} skipped={data.progress.skipped} />
      {report.error ? (
        <ErrorBanner title="Could not compute the report" message={report.error.message} />
      ) : null}
      {r ? (
        <>
          <ReportTable report={r} />
          {r.arms.length > 1 ? <ComparisonsTable report={r} /> : null}
          <Suspense fallback={<ChartsPlaceholder height={340} />}>
            <AccuracyCharts report={r} />
          </Suspense>
          <CostTable report={r} />
          <FailureCauses report={r} />
          <TaskMatrix report={r} items={items.data?.items} />
        </>
      ) : report.isLoading ? (
        <p className="muted">Computing the report…</p>
      ) : null}
      <Suspense fallback={<ChartsPlaceholder height={280} />}>
        <ServerCharts experimentId={experimentId} running={running} simulated={data.simulated} />
      </Suspense>
    </section>
  );
}
