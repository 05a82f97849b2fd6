import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { isLive, runKeys, useRun } from '../api/runs.ts';
import { FirstFailureContext, firstFailureOf } from '../replay/firstFailure.ts';
import { navigate } from '../router.ts';
import { RoleTotalsTable } from './RoleTotalsTable.tsx';
import { RunHeader } from './RunHeader.tsx';
import { type InspectTab, RunTrace } from './RunTrace.tsx';
import type { RunView } from './runView.ts';
import { StepInspector } from './StepInspector.tsx';
import { StepTimeline } from './StepTimeline.tsx';
import { useRunEvents } from './useRunEvents.ts';
import '../runs.css';

// Replay, fork and lineage load after the first render: the trace never waits for them.
const parts = () => import('../replay/runPageParts.ts');
const RunActions = lazy(() => parts().then((m) => ({ default: m.RunActions })));
const LineageCrumbs = lazy(() => parts().then((m) => ({ default: m.LineageCrumbs })));

/** One run, live or finished (the same view either way): header, totals, timeline, trace and step inspection. */
export function RunPage({ runId }: { runId: string }) {
  const run = useRun(runId);
  const { view, connected } = useRunEvents(runId);
  // The trace is what a reader looks at first: the timeline's bars and the step inspector render just after it,
  // from the same events, so a big run's first paint carries the trace alone. Both keep their size meanwhile.
  const settled = useDeferredValue<RunView | null>(view, null);
  const client = useQueryClient();
  // null follows the newest step; a number pins the step the reader chose.
  const [pinned, setPinned] = useState<number | null>(null);
  const [tab, setTab] = useState<InspectTab>('outputs');
  // A step picked outside the trace, which the trace then scrolls to.
  const [reveal, setReveal] = useState<number | null>(null);

  const finished = view.finished !== null;
  // A run that finished while the page followed it: read its record again. One already recorded as finished
  // (opened after the fact) is not read twice.
  const recordLive = run.data ? isLive(run.data.status) : false;
  useEffect(() => {
    if (finished && recordLive) void client.invalidateQueries({ queryKey: runKeys.detail(runId) });
  }, [finished, recordLive, client, runId]);

  const selectStep = useCallback((step: number, next?: InspectTab) => {
    setPinned(step);
    if (next) setTab(next);
  }, []);

  const firstFailure = useMemo(() => firstFailureOf(view), [view]);
  const showStep = useCallback(
    (s: number) => {
      selectStep(s);
      setReveal(s);
    },
    [selectStep],
  );

  const latest = view.steps[view.steps.length - 1] ?? null;
  const step = (pinned !== null ? view.steps.find((s) => s.step === pinned) : null) ?? latest;
  const settledStep = settled ? (settled.steps.find((s) => s.step === step?.step) ?? null) : null;

  if (run.error && view.eventCount === 0) {
    return (
      <section className="page">
        <div className="banner banner-error" role="alert">
          <strong>Could not open run {runId}</strong>
          <span>{run.error.message}</span>
        </div>
        <p>
          <a
            href="/runs"
            onClick={(event) => {
              event.preventDefault();
              navigate('/runs');
            }}
          >
            ← All runs
          </a>
        </p>
      </section>
    );
  }

  return (
    <section className="page run-page">
      <nav className="run-crumbs small" aria-label="Breadcrumb">
        <a
          href="/runs"
          onClick={(event) => {
            event.preventDefault();
            navigate('/runs');
          }}
        >
          Runs
        </a>
        <span aria-hidden="true">/</span>
        <code>{runId}</code>
        <Suspense fallback={null}>
          <LineageCrumbs runId={runId} />
        </Suspense>
        <span className={`stream-state${connected ? ' is-live' : ''}`} data-testid="stream-state">
          {connected ? 'following live' : view.finished ? 'complete' : 'connecting…'}
        </span>
      </nav>
      <RunHeader
        runId={runId}
        run={run.data}
        view={view}
        actions={
          <Suspense fallback={null}>
            <RunActions
              runId={runId}
              run={run.data}
              view={view}
              selectedStep={step?.step ?? null}
              firstFailure={firstFailure}
              onShowStep={showStep}
            />
          </Suspense>
        }
      />
      <div className="run-overview">
        <RoleTotalsTable view={view} />
        <StepTimeline
          view={settled}
          selectedStep={step?.step ?? null}
          firstFailure={firstFailure}
          onSelect={showStep}
        />
      </div>
      <div className="run-main">
        <div className="card trace-card">
          <div className="trace-card-head">
            <h3>Trace</h3>
            <span className="muted small">
              {view.steps.length} step{view.steps.length === 1 ? '' : 's'} ·{' '}
              {view.lastSeq.toLocaleString('en-US')} event{view.lastSeq === 1 ? '' : 's'}
            </span>
            {pinned !== null ? (
              <button
                type="button"
                className="link small push-end"
                onClick={() => {
                  setPinned(null);
                  setReveal(null);
                }}
              >
                Inspect the latest step
              </button>
            ) : null}
          </div>
          <FirstFailureContext value={firstFailure}>
            <RunTrace
              runId={runId}
              view={view}
              selectedStep={step?.step ?? null}
              revealStep={reveal}
              onSelectStep={selectStep}
            />
          </FirstFailureContext>
        </div>
        <StepInspector view={settled} step={settledStep} tab={tab} onTab={setTab} onStep={showStep} />
      </div>
    </section>
  );
}
